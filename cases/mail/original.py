"""The original of an inbound email, for the agents of its case: its raw .eml, and every part of it on a page.

The pipeline keeps what an agent needs and drops the rest (quoted history,
signatures, report blocks, refused files); nothing it drops is out of reach: the
raw bytes stay in InboundEmail, and this page shows a summary of the headers and
every part, text as text, HTML sanitised, files by name, type and size.
"""

from dataclasses import dataclass
from email.message import EmailMessage

from django.http import Http404

from cases.mail.reading import clean, decode_text, disposition_of, filename, header, is_file, is_words, parse, type_of
from cases.mail.sanitize import resolve_inline_images, sanitize_html
from cases.models import Case, InboundEmail, Message

SUMMARY_HEADERS = (
    ("De", "from"),
    ("À", "to"),
    ("Copie", "cc"),
    ("Répondre à", "reply-to"),
    ("Date", "date"),
    ("Objet", "subject"),
    ("Message-ID", "message-id"),
    ("En réponse à", "in-reply-to"),
    ("Chemin de retour", "return-path"),
    ("Envoi automatique", "auto-submitted"),
    ("Précédence", "precedence"),
    ("Logiciel", "x-mailer"),
    ("Type", "content-type"),
)


@dataclass
class Part:
    depth: int
    content_type: str
    name: str
    disposition: str
    charset: str
    size: int
    text: str = ""  # a text part's words
    html: str = ""  # an HTML part, sanitised


@dataclass
class Original:
    message: Message
    inbound: InboundEmail | None
    summary: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    parts: list[Part]


def inbound_message_of(case: Case, message_pk: int) -> Message:
    """A received message of the case, or 404 (another case's, or one of ours)."""
    message = (
        Message.objects.filter(pk=message_pk, direction=Message.Direction.IN, case_links__case=case)
        .prefetch_related("attachments")
        .first()
    )
    if message is None:
        raise Http404("Message introuvable.")
    return message


def raw_of(message: Message) -> InboundEmail | None:
    """The stored email the message was read from (the first one: the same email through several doors)."""
    return message.raw_emails.order_by("pk").first()


def original(case: Case, message: Message, url_for_cid) -> Original:
    inbound = raw_of(message)
    if inbound is None:  # anonymised, or an email from before raw sources were kept
        return Original(message, None, [], [], [])
    msg = parse(bytes(inbound.raw))
    summary = [(label, header(msg, name)) for label, name in SUMMARY_HEADERS if header(msg, name)]
    headers = [(name, clean(" ".join(str(value).split()))) for name, value in msg.raw_items()]
    return Original(message, inbound, summary, headers, list(parts_of(msg, url_for_cid)))


def parts_of(part: EmailMessage, url_for_cid, depth: int = 0, index: list | None = None):
    index = index if index is not None else [0]
    index[0] += 1
    content_type = type_of(part)
    try:
        payload = b"" if part.is_multipart() else part.get_payload(decode=True) or b""
    except Exception:
        payload = b""
    row = Part(
        depth=depth,
        content_type=content_type,
        name=filename(part, index[0]) if not part.is_multipart() and is_file(part) else "",
        disposition=disposition_of(part),
        charset=part.get_content_charset() or "",
        size=len(payload),
    )
    if is_words(part, "plain"):
        row.text = decode_text(part)
    elif is_words(part, "html"):
        row.html = resolve_inline_images(sanitize_html(decode_text(part)), url_for_cid)
    yield row
    if part.is_multipart():
        for child in part.iter_parts():
            yield from parts_of(child, url_for_cid, depth + 1, index)
