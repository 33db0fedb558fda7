"""Reading an inbound email: its headers, its words in any charset, its files and the emails attached to it.

What the agent reads must be everything the sender wrote, in order:

- every text part of the body is kept: phones and Apple Mail split one body into
  several text parts around a photo (multipart/mixed: text, image, text); the
  image stays in place in the HTML, as an inline image of the message;
- an email attached to the email (message/rfc822, « forwarded as attachment »)
  is one `.eml` file, and its sender, date, subject and text are shown after the body;
- S/MIME and PGP signatures are no documents: they are left out, without a notice;
- text is decoded part by part: the declared charset strictly, UTF-8 strictly, then
  the declared charset again with only the bytes it cannot read taken as
  Windows-1252 (one stray Latin-1 byte no longer turns the whole text into
  mojibake), and Windows-1252 when the declared charset is unknown;
- NUL characters are removed everywhere (PostgreSQL refuses them in text).

`quotes` then strips the quoted history of a reply from the text and the HTML alike;
`Content.full_html` keeps the whole email when it did.
"""

import codecs
import hashlib
import html as html_lib
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

from cases.mail import quotes
from cases.mail.sanitize import html_to_text, sanitize_html, text_to_html

# Parts that are a report's machine-readable blocks or a signature: neither words nor documents.
SKIPPED_TYPES = {
    "message/delivery-status",
    "message/global-delivery-status",
    "message/disposition-notification",
    "message/global-disposition-notification",
    "message/feedback-report",
    "text/rfc822-headers",
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
    "application/pgp-keys",
}
ATTACHED_EMAIL_TYPES = {"message/rfc822", "message/news", "message/global"}
FALLBACK_CHARSET = "cp1252"
BAD_BYTES_HANDLER = "mediature-cp1252"
ESCAPED_BYTES = re.compile("[\udc80-\udcff]")  # how Python's parser keeps the 8-bit bytes of a header


def bad_bytes_as_cp1252(error: UnicodeDecodeError) -> tuple[str, int]:
    """Only the bytes the declared charset cannot read are taken as Windows-1252 (a stray « é » of Latin-1)."""
    return error.object[error.start : error.end].decode(FALLBACK_CHARSET, errors="replace"), error.end


codecs.register_error(BAD_BYTES_HANDLER, bad_bytes_as_cp1252)


def clean(value: str) -> str:
    """No NUL: PostgreSQL refuses it in text and JSON, and an email that fails to save is never kept. Raw 8-bit
    headers (RFC 6532 UTF-8, or a client's Latin-1) reach Python as escaped bytes: decoded like a text part."""
    if ESCAPED_BYTES.search(value):
        value = decode_bytes(value.encode("utf-8", "surrogateescape"), "utf-8")
    return value.replace("\x00", "")


def parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)


def remembered(part: EmailMessage, key, read):
    """What was read of a part, read once: policy.default parses a header again on every access, which was a
    third of an email's processing time (the content type alone was read some fifty times per email)."""
    memory = part.__dict__.setdefault("_mediature_read", {})
    if key not in memory:
        memory[key] = read()
    return memory[key]


def header(msg: EmailMessage, name: str) -> str:
    return remembered(msg, ("header", name), lambda: read_header(msg, name))


def read_header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the parser cannot model: fall back to its raw text
        value = next((raw for key, raw in msg.raw_items() if key.lower() == name), "")
    return clean(" ".join(str(value or "").split()))


def type_of(part: EmailMessage) -> str:
    return remembered(part, "type", part.get_content_type)


def main_type(part: EmailMessage) -> str:
    return type_of(part).split("/")[0]


def disposition_of(part: EmailMessage) -> str:
    return remembered(part, "disposition", lambda: part.get_content_disposition() or "")


def name_of(part: EmailMessage) -> str:
    """The file name the sender gave the part, "" when none (or one the parser cannot read)."""

    def read() -> str:
        try:
            return clean(str(part.get_filename() or ""))
        except Exception:
            return ""

    return remembered(part, "name", read)


def addresses(msg: EmailMessage, *names: str) -> list[str]:
    values = []
    for name in names:
        try:
            values += [str(value) for value in msg.get_all(name, [])]
        except Exception:  # an address header the parser cannot model: its raw text still has the addresses
            values += [raw for key, raw in msg.raw_items() if key.lower() == name]
    return [clean(address.strip().lower()) for _, address in getaddresses(values) if "@" in address]


def message_ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def decode_bytes(payload: bytes, charset: str | None) -> str:
    """Text in its declared charset, as right as the bytes allow (see the module docstring)."""
    declared = (charset or "utf-8").strip().lower()
    for candidate in dict.fromkeys((declared, "utf-8")):
        try:
            return clean(payload.decode(candidate))
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return clean(payload.decode(declared, errors=BAD_BYTES_HANDLER))
    except LookupError:
        return clean(payload.decode("utf-8", errors=BAD_BYTES_HANDLER))


def decode_text(part: EmailMessage) -> str:
    try:
        payload = part.get_payload(decode=True) or b""
    except Exception:  # a transfer encoding the parser cannot undo: its bytes as they are
        payload = str(part.get_payload()).encode("utf-8", "surrogateescape")
    return decode_bytes(payload, part.get_content_charset())


def filename(part: EmailMessage, index: int) -> str:
    if name_of(part):
        return name_of(part)
    extension = ".eml" if type_of(part) in ATTACHED_EMAIL_TYPES else mimetypes.guess_extension(type_of(part))
    return f"piece-jointe-{index}{extension or ''}"


@dataclass
class AttachedEmail:
    """An email attached to the email: what the case shows of it; its bytes are a file of the message."""

    sender: str
    date: str
    subject: str
    text: str

    def as_html(self) -> str:
        rows = (("De", self.sender), ("Date", self.date), ("Objet", self.subject))
        heading = "".join(f"{label} : {html_lib.escape(value)}<br>" for label, value in rows if value)
        return f"<hr><p><strong>Message joint</strong><br>{heading}</p>{text_to_html(self.text)}"

    def as_text(self) -> str:
        rows = (("De", self.sender), ("Date", self.date), ("Objet", self.subject))
        heading = "\n".join(f"{label} : {value}" for label, value in rows if value)
        return f"---\nMessage joint\n{heading}\n\n{self.text}".rstrip()


@dataclass(frozen=True)
class InboundFile:
    """A file of the email: `cid` when the HTML shows it inline, `email` when it is an attached email (.eml)."""

    name: str
    data: bytes
    cid: str = ""
    email: bool = False


@dataclass
class Content:
    text: str = ""
    html: str = ""
    full_html: str = ""  # the whole email when quote stripping removed something, else ""
    whole_text: str = ""  # the text before stripping, which `fingerprint` reads
    files: list[InboundFile] = field(default_factory=list)
    attached: list[AttachedEmail] = field(default_factory=list)

    def fingerprint(self, subject: str) -> str:
        """What the email says, door-independent: the providers rebuild an email, so its bytes differ, its words
        and files do not. Two emails under one Message-ID with different fingerprints are two messages."""
        digest = hashlib.sha256(" ".join(f"{subject} {self.whole_text}".split()).encode())
        for file_hash in sorted(hashlib.sha256(file.data).hexdigest() for file in self.files):
            digest.update(file_hash.encode())
        return digest.hexdigest()


@dataclass
class Body:
    """The body as pieces in order: ("text", str), ("html", str) or ("image", cid)."""

    pieces: list = field(default_factory=list)
    used: set = field(default_factory=set)  # id() of the parts read as words
    image_cids: dict = field(default_factory=dict)  # id(part) -> cid given to an inline image without one

    def text(self) -> str:
        words = [value if kind == "text" else html_to_text(value) for kind, value in self.pieces if kind != "image"]
        return "\n\n".join(part.strip("\n") for part in words if part.strip())

    def html(self) -> str:
        rendered = []
        for kind, value in self.pieces:
            if kind == "text":
                rendered.append(text_to_html(value))
            elif kind == "html":
                rendered.append(body_of(value))
            else:
                rendered.append(f'<p><img src="cid:{html_lib.escape(value)}" alt=""></p>')
        return "".join(rendered)


def body_of(html: str) -> str:
    """What is inside <body>, so that several HTML parts join into one document."""
    match = re.search(r"<body[^>]*>(.*?)(</body>|$)", html, re.IGNORECASE | re.DOTALL)
    return match.group(1) if match else html


def is_attachment(part: EmailMessage) -> bool:
    return disposition_of(part) == "attachment"


def is_words(part: EmailMessage, subtype: str) -> bool:
    """A text part the sender wrote in the body, not a .txt file attached: it has no file name. Its disposition
    does not count: the providers' webhooks rebuild every part after the first text as an « attachment »."""
    return type_of(part) == f"text/{subtype}" and not name_of(part)


def read_body(part: EmailMessage, prefer: str, body: Body) -> None:
    """Gather the body's pieces, preferring `prefer` ("html" or "plain") among alternatives."""
    content_type = type_of(part)
    if main_type(part) == "multipart" and part.is_multipart():
        children = list(part.iter_parts())
        if content_type == "multipart/alternative":
            readable = [child for child in children if can_read(child, prefer)] or [
                child for child in children if can_read(child, "plain") or can_read(child, "html")
            ]
            if readable:
                read_body(readable[-1], prefer, body)  # the last alternative is the richest
            return
        if content_type == "multipart/related":
            if children:
                read_body(children[0], prefer, body)  # the root; the other parts are its inline images
            return
        for child in children:  # mixed, signed (content then signature), report (explanation then machine parts)
            read_body(child, prefer, body)
        return
    if is_words(part, "plain") or is_words(part, "html"):
        body.used.add(id(part))
        words = decode_text(part)
        if words.strip():  # a provider gives an empty HTML part to an email without one
            body.pieces.append(("text" if content_type == "text/plain" else "html", words))
    elif main_type(part) == "image" and body.pieces:
        # An image after the words (phones, Apple Mail put one between two text parts): shown where it was.
        cid = header(part, "content-id").strip("<>") or f"image-{len(body.pieces)}@mediature"
        body.image_cids[id(part)] = cid
        body.pieces.append(("image", cid))


def can_read(part: EmailMessage, subtype: str) -> bool:
    if part.is_multipart():
        return any(can_read(child, subtype) for child in part.iter_parts())
    return is_words(part, subtype)


def read_content(msg: EmailMessage, subject: str = "") -> Content:
    """The email's words (quoted history stripped, the whole kept aside when some was), files and attached emails."""
    html_body, text_body = Body(), Body()
    read_body(msg, "html", html_body)
    read_body(msg, "plain", text_body)
    content = Content()
    has_html = any(kind == "html" for kind, _value in html_body.pieces)
    whole_html = html_body.html() if has_html else text_body.html()
    content.whole_text = text_body.text().strip() or html_to_text(sanitize_html(whole_html))
    full_html = sanitize_html(whole_html)
    if quotes.is_forward(subject):
        content.text, content.html = content.whole_text, full_html
    else:
        content.text = quotes.strip_text(content.whole_text)
        if has_html:
            content.html = sanitize_html(quotes.strip_html(whole_html))
        else:  # the text's own HTML (its inline images in place) unless its quoted history went
            content.html = full_html if content.text == content.whole_text else text_to_html(content.text)
    if not content.text and content.html:
        content.text = html_to_text(content.html)
    read_files(msg, content, html_body.used | text_body.used, {**text_body.image_cids, **html_body.image_cids})
    attached_html = "".join(attached.as_html() for attached in content.attached)
    for attached in content.attached:
        content.text = f"{content.text}\n\n{attached.as_text()}".strip()
    content.html += attached_html
    if full_html + attached_html != content.html:
        content.full_html = full_html + attached_html
    return content


def read_files(msg: EmailMessage, content: Content, used: set, image_cids: dict) -> None:
    """Every part that is not words: a file (with its Content-ID), an attached email, or nothing (reports' blocks,
    signatures). Attached emails are not opened: their own files stay inside their .eml."""
    for index, part in enumerate(leaves(msg), start=1):
        content_type = type_of(part)
        if id(part) in used or content_type in SKIPPED_TYPES:
            continue
        if content_type in ATTACHED_EMAIL_TYPES:
            attached_email(part, index, content)
            continue
        if not is_file(part):
            continue
        cid = image_cids.get(id(part)) or header(part, "content-id").strip("<>")
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:
            data = b""
        content.files.append(InboundFile(filename(part, index), data, cid))


def leaves(part: EmailMessage):
    """The parts that are not containers; an attached email is one leaf (its own parts belong to it)."""
    if type_of(part) in ATTACHED_EMAIL_TYPES or not part.is_multipart():
        yield part
        return
    for child in part.iter_parts():
        yield from leaves(child)


def inner_email(part: EmailMessage) -> EmailMessage | None:
    """The email inside a message/rfc822 part: parsed by Python, or still encoded (the providers' webhooks
    rebuild it as a base64 attachment)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return payload[0] if payload and isinstance(payload[0], EmailMessage) else None
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return None
    return parse(data) if data else None


def attached_email(part: EmailMessage, index: int, content: Content) -> None:
    inner = inner_email(part)
    if inner is None:
        return
    data = inner.as_bytes(policy=policy.default.clone(linesep="\r\n"))
    name = filename(part, index)
    if not name.lower().endswith(".eml"):
        name += ".eml"
    content.files.append(InboundFile(name, data, email=True))
    inner_body = Body()
    read_body(inner, "plain", inner_body)
    content.attached.append(
        AttachedEmail(
            sender=header(inner, "from"),
            date=header(inner, "date"),
            subject=header(inner, "subject"),
            text=inner_body.text().strip(),
        )
    )


def is_file(part: EmailMessage) -> bool:
    if is_attachment(part) or name_of(part):
        return True
    return main_type(part) != "text" or bool(header(part, "content-id"))
