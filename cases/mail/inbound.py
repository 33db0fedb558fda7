"""Inbound mail: three doors, one pipeline.

The doors (Mailjet and Brevo webhooks, `manage.py receive_email`) only call
`store_raw`: the raw RFC 822 bytes are committed before the door answers, then
the `process_inbound` task threads them here.

Threading, in this order:
1. the case reply addresses (`dossier-<N>-<signature>@<INBOUND_DOMAIN>`) among
   the recipients; a signature that does not match is forged and never opens a
   case; more than MAX_CASES cases is spam;
2. failing that, References / In-Reply-To against the Message-IDs of our own
   outgoing emails;
3. failing that, the email is kept aside for a platform admin.

Bounces mark the outgoing email they report as undelivered and never reach a
case; auto-replies reach the case already processed and never get an answer;
emails sent by the platform itself are ignored (no loops).

The same email reaching us twice (Mailjet calls once per case address, a
provider retries, an MTA pipes once per recipient) is one Message.
"""

import hashlib
import hmac
import logging
import mimetypes
import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, make_msgid, parseaddr
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.choices import Transmitter
from cases.mail import quotes
from cases.mail.outbound import platform_address, queue_email
from cases.mail.sanitize import html_to_text, sanitize_html, text_to_html
from cases.models import (
    Case,
    CaseEvent,
    InboundEmail,
    Message,
    MessageCase,
    reply_signature,
)
from cases.search.document import reindex_after_commit
from cases.uploads import (
    EXTENSIONS,
    CheckedFile,
    RejectedFile,
    check_upload,
    display_name,
    max_size_label,
    store_attachments,
)

logger = logging.getLogger(__name__)

MAX_CASES = 5
MAX_ATTACHMENTS = 100
MAX_ATTEMPTS = 3
INBOX_GRACE = timedelta(minutes=5)
RECIPIENT_HEADERS = ("to", "cc", "delivered-to", "x-original-to", "envelope-to", "x-envelope-to", "resent-to")
AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(réponse automatique|automatic reply|auto(matic)?[ -]?reply|auto:|absence|out of (the )?office|"
    r"autosvar|abwesenheitsnotiz)",
    re.IGNORECASE,
)
BOUNCE_SENDERS = ("mailer-daemon", "postmaster")
ACCEPTED_KINDS_LABEL = "images, PDF, documents texte, tableurs et présentations (Word, Excel, PowerPoint, OpenDocument)"
NOTICE_NAME_LENGTH = 80
# What a mail client needs to make a link of a name: dots (ASCII, ideographic, full-width), @, : and slashes.
LINK_CHARACTERS = re.compile(r"[.\u3002\uff0e\uff61@\uff20:/\\]")
# The accepted extensions, none of them a top-level domain: « facture.pdf » keeps its dot, « offre.zip » does not.
SAFE_EXTENSIONS = frozenset(extension for extensions in EXTENSIONS.values() for extension in extensions)


class InboundTooLarge(Exception):
    pass


def max_bytes() -> int:
    return getattr(settings, "INBOUND_MAX_BYTES", 25 * 1024 * 1024)


def store_raw(raw: bytes, door: str, *, envelope_sender: str = "", envelope_recipient: str = "") -> InboundEmail:
    """Commit the raw email, then queue its processing. Raises InboundTooLarge over the size limit."""
    if len(raw) > max_bytes():
        raise InboundTooLarge(f"Message de {len(raw)} octets, limite {max_bytes()} octets.")
    with transaction.atomic():
        inbound = InboundEmail.objects.create(
            door=door,
            raw=raw,
            size=len(raw),
            envelope_sender=envelope_sender[:320],
            envelope_recipient=envelope_recipient[:320],
        )
        transaction.on_commit(partial(enqueue_processing, inbound.pk))
    return inbound


def enqueue_processing(inbound_pk: int) -> None:
    from cases.mail.tasks import process_inbound

    process_inbound(inbound_pk)


def sweep_inbox(now=None, *, grace: timedelta = INBOX_GRACE) -> int:
    """Re-queue stored emails whose task was lost (a worker killed mid-processing)."""
    now = now or timezone.now()
    late = list(
        InboundEmail.objects.filter(state=InboundEmail.State.RECEIVED, received_at__lte=now - grace).values_list(
            "pk", flat=True
        )
    )
    for pk in late:
        enqueue_processing(pk)
    if late:
        logger.warning("Inbox sweeper: %d stored emails re-queued", len(late))
    return len(late)


def process(inbound_pk: int) -> None:
    """Thread one stored email, exactly once: everything it creates commits with its new state."""
    with transaction.atomic():
        inbound = (
            InboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=inbound_pk, state=InboundEmail.State.RECEIVED)
            .first()
        )
        if inbound is None:
            return
        inbound.attempts += 1
        try:
            with transaction.atomic():
                thread(inbound)
        except Exception as error:
            logger.exception("Inbound email %s could not be processed", inbound_pk)
            inbound.error = f"{type(error).__name__}: {error}"[:2000]
            if inbound.attempts >= MAX_ATTEMPTS:
                set_state(inbound, InboundEmail.State.KEPT_ASIDE, InboundEmail.Reason.UNREADABLE)
        inbound.save(update_fields=PROCESSED_FIELDS)  # never the raw bytes again: up to 25 MB


PROCESSED_FIELDS = (
    "state",
    "reason",
    "from_header",
    "subject",
    "recipients",
    "message",
    "attempts",
    "error",
    "processed_at",
)


def set_state(inbound: InboundEmail, state: str, reason: str = "") -> None:
    inbound.state = state
    inbound.reason = reason
    inbound.processed_at = timezone.now()


# Reading the email --------------------------------------------------------------------------------


def parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)


def header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the parser cannot model: fall back to its raw text
        value = next((raw for key, raw in msg.raw_items() if key.lower() == name), "")
    return " ".join(str(value or "").split())


def addresses(msg: EmailMessage, *names: str) -> list[str]:
    values = []
    for name in names:
        try:
            values += [str(value) for value in msg.get_all(name, [])]
        except Exception:  # an address header the parser cannot model: its raw text still has the addresses
            values += [raw for key, raw in msg.raw_items() if key.lower() == name]
    return [address.strip().lower() for _, address in getaddresses(values) if "@" in address]


def message_ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def decode_text(part: EmailMessage) -> str:
    """The text of a part in any charset, including wrong or unknown ones."""
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("cp1252", errors="replace")


@dataclass
class Content:
    text: str = ""
    html: str = ""
    full_html: str = ""  # the whole email when quote stripping removed something, else ""
    whole_text: str = ""  # the text before stripping, which `fingerprint` reads
    files: list = field(default_factory=list)  # (name, data, cid)

    def fingerprint(self, subject: str) -> str:
        """What the email says, door-independent: the providers rebuild an email, so its bytes differ, its words
        and files do not. Two emails under one Message-ID with different fingerprints are two messages."""
        digest = hashlib.sha256(" ".join(f"{subject} {self.whole_text}".split()).encode())
        for file_hash in sorted(hashlib.sha256(data).hexdigest() for _name, data, _cid in self.files):
            digest.update(file_hash.encode())
        return digest.hexdigest()


def read_content(msg: EmailMessage) -> Content:
    html_part = msg.get_body(preferencelist=("html",))
    text_part = msg.get_body(preferencelist=("plain",))
    content = Content()
    full_html = ""
    if html_part is not None:
        whole = decode_text(html_part)
        full_html = sanitize_html(whole)
        content.html = sanitize_html(quotes.strip_html(whole))
    if text_part is not None:
        content.whole_text = decode_text(text_part).strip()
        content.text = quotes.strip_text(content.whole_text)
    if not content.html and content.text:
        content.html = text_to_html(content.text)
        full_html = text_to_html(content.whole_text)
    if not content.text and content.html:
        content.text = html_to_text(content.html)
        content.whole_text = html_to_text(full_html)
    if full_html != content.html:
        content.full_html = full_html
    bodies = {id(html_part), id(text_part)}
    for index, part in enumerate(msg.walk(), start=1):
        if part.is_multipart() or id(part) in bodies or part.get_content_type() in SKIPPED_PARTS:
            continue
        if not is_file(part):
            continue
        cid = header(part, "content-id").strip("<>")
        content.files.append((filename(part, index), part.get_payload(decode=True) or b"", cid))
    return content


SKIPPED_PARTS = {"message/delivery-status", "text/rfc822-headers", "message/disposition-notification"}


def is_file(part: EmailMessage) -> bool:
    if part.get_content_disposition() == "attachment" or part.get_filename():
        return True
    return part.get_content_maintype() != "text" or bool(part.get("content-id"))


def filename(part: EmailMessage, index: int) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name:
        return name
    extension = mimetypes.guess_extension(part.get_content_type()) or ""
    return f"piece-jointe-{index}{extension}"


# Threading ----------------------------------------------------------------------------------------


@dataclass
class Target:
    cases: list = field(default_factory=list)
    reason: str = ""


def case_address_pattern() -> re.Pattern:
    return re.compile(rf"^dossier-(\d{{1,18}})(?:-([0-9a-z]*))?@{re.escape(settings.INBOUND_DOMAIN)}$", re.IGNORECASE)


def find_target(msg: EmailMessage, envelope_recipient: str) -> Target:
    pattern = case_address_pattern()
    recipients = set(addresses(msg, *RECIPIENT_HEADERS))
    if envelope_recipient:
        recipients.add(envelope_recipient.strip().lower())
    numbers, forged = set(), False
    for address in recipients:
        match = pattern.match(address)
        if match is None:
            continue
        number, signature = int(match.group(1)), match.group(2) or ""
        if hmac.compare_digest(signature.lower(), reply_signature(number)):
            numbers.add(number)
        else:
            forged = True
    if len(numbers) > MAX_CASES:
        return Target(reason=InboundEmail.Reason.TOO_MANY_CASES)
    if numbers:
        # An anonymised case takes no new mail (cases/privacy/): the email is kept aside like an unknown address.
        cases = list(
            Case.objects.filter(number__in=numbers, anonymised_at__isnull=True)
            .select_related("citizen")
            .order_by("number")
        )
        return Target(cases=cases) if cases else Target(reason=InboundEmail.Reason.UNKNOWN_RECIPIENT)
    if forged:
        return Target(reason=InboundEmail.Reason.FORGED_ADDRESS)
    referenced = message_ids(header(msg, "in-reply-to")) + message_ids(header(msg, "references"))
    cases = list(
        Case.objects.filter(
            message_links__message__direction=Message.Direction.OUT,
            message_links__message__message_id__in=referenced,
            anonymised_at__isnull=True,
        )
        .distinct()
        .select_related("citizen")
        .order_by("number")[: MAX_CASES + 1]
    )
    if len(cases) > MAX_CASES:
        return Target(reason=InboundEmail.Reason.TOO_MANY_CASES)
    return Target(cases=cases) if cases else Target(reason=InboundEmail.Reason.UNKNOWN_RECIPIENT)


def is_auto_reply(msg: EmailMessage) -> bool:
    auto_submitted = header(msg, "auto-submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if msg.get("x-autoreply") or msg.get("x-autorespond") or msg.get("x-autoresponder"):
        return True
    if header(msg, "precedence").lower() in {"auto_reply", "bulk", "junk"}:
        return True
    return bool(AUTO_REPLY_SUBJECT.match(header(msg, "subject")))


def is_bounce(msg: EmailMessage, sender: str) -> bool:
    if msg.get_content_type() == "multipart/report":
        return True
    return sender.split("@")[0] in BOUNCE_SENDERS or bool(msg.get("x-failed-recipients"))


def is_own_email(msg: EmailMessage, sender: str) -> bool:
    if sender == platform_address() or sender.endswith("@" + settings.INBOUND_DOMAIN.lower()):
        return True
    own_id = message_ids(header(msg, "message-id"))
    return bool(own_id) and Message.objects.filter(direction=Message.Direction.OUT, message_id=own_id[0]).exists()


def handle_bounce(msg: EmailMessage) -> None:
    """Mark the outgoing email(s) that the bounce reports as undelivered."""
    referenced = message_ids(header(msg, "in-reply-to")) + message_ids(header(msg, "references"))
    diagnostic = ""
    for part in msg.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822" and part.is_multipart():
            referenced += message_ids(header(part.get_payload(0), "message-id"))
        elif content_type in ("text/rfc822-headers", "message/delivery-status"):
            text = decode_text(part) if not part.is_multipart() else part.as_string()
            text = re.sub(r"\r?\n[ \t]+", " ", text)  # unfold headers
            referenced += message_ids(" ".join(re.findall(r"(?im)^message-id:\s*(.+)$", text)))
            diagnostic = diagnostic or " ".join(re.findall(r"(?im)^diagnostic-code:\s*(.+)$", text))
    if not referenced:
        return
    Message.objects.filter(
        direction=Message.Direction.OUT,
        message_id__in=referenced,
        status__in=[Message.State.SENT, Message.State.SENDING, Message.State.QUEUED],
    ).update(status=Message.State.UNDELIVERED, error=diagnostic or "Avis de non-distribution reçu.")


def thread(inbound: InboundEmail) -> None:
    msg = parse(bytes(inbound.raw))
    from_header = header(msg, "from")
    sender = parseaddr(from_header)[1].lower()
    inbound.from_header = from_header[:998]
    inbound.subject = header(msg, "subject")[:998]
    inbound.recipients = addresses(msg, "to", "cc")
    if is_bounce(msg, sender):
        handle_bounce(msg)
        set_state(inbound, InboundEmail.State.IGNORED, InboundEmail.Reason.BOUNCE)
        return
    if is_own_email(msg, sender):
        set_state(inbound, InboundEmail.State.IGNORED, InboundEmail.Reason.LOOP)
        return
    target = find_target(msg, inbound.envelope_recipient)
    if target.reason:
        set_state(inbound, InboundEmail.State.KEPT_ASIDE, target.reason)
        return
    auto_reply = is_auto_reply(msg)
    message, created = create_message(msg, inbound, from_header, target, auto_reply)
    link_to_cases(message, [] if created else message.case_links.values_list("case_id", flat=True), target, sender)
    inbound.message = message
    set_state(inbound, InboundEmail.State.THREADED)


def link_to_cases(message: Message, linked, target: Target, sender: str) -> None:
    """Put the message on each target case it is not on yet (`linked`), with a « message reçu » event:
    one INSERT for the links and one for the events, however many cases."""
    auto_reply, linked = message.kind == Message.Kind.AUTO_REPLY, set(linked)
    new_cases = [case for case in target.cases if case.pk not in linked]
    MessageCase.objects.bulk_create(
        [MessageCase(message=message, case=case, processed=auto_reply) for case in new_cases],
        ignore_conflicts=True,  # the same email, threaded at this very moment by another worker
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, kind=CaseEvent.Kind.MESSAGE_RECEIVED, data={"message": message.pk, "from": sender})
        for case in new_cases
    )
    reindex_after_commit(case.pk for case in new_cases)  # bulk_create sends no post_save


def existing_message(message_id: str, from_header: str, fingerprint: str) -> Message:
    return Message.objects.get(
        direction=Message.Direction.IN, message_id=message_id, from_email=from_header[:320], fingerprint=fingerprint
    )


def create_message(
    msg: EmailMessage, inbound: InboundEmail, from_header: str, target: Target, auto_reply: bool
) -> tuple[Message, bool]:
    """The email's message, and whether it was created now (False: the same email reached us before).

    Inserted first, looked up only on conflict: a new email is the common case."""
    content = read_content(msg)
    message_id = (message_ids(header(msg, "message-id")) or [""])[0] or make_msgid(
        f"recu-{inbound.pk}", settings.INBOUND_DOMAIN
    )
    fields = dict(
        direction=Message.Direction.IN,
        status=Message.State.RECEIVED,
        kind=Message.Kind.AUTO_REPLY if auto_reply else Message.Kind.MESSAGE,
        from_email=from_header[:320],
        to=addresses(msg, "to"),
        cc=addresses(msg, "cc"),
        subject=inbound.subject,
        text=content.text,
        html=content.html,
        full_html=content.full_html,
        message_id=message_id[:998],
        fingerprint=content.fingerprint(inbound.subject),
        in_reply_to=header(msg, "in-reply-to")[:998],
        references=header(msg, "references"),
    )
    accepted, rejected = check_files(content.files)
    try:
        with transaction.atomic():
            message = Message.objects.create(**fields, rejected_files=rejected)
    except IntegrityError:  # the same email, reaching us again or processed at this very moment by another worker
        return existing_message(fields["message_id"], from_header, fields["fingerprint"]), False
    store_files(message, accepted, target.cases)
    if rejected:
        notify_rejected(message, parseaddr(from_header)[1], rejected, target.cases, auto_reply)
    return message, True


def check_files(files: list) -> tuple[list[tuple[CheckedFile, str]], list[dict]]:
    """The email's files: those accepted (with their Content-ID), and the refused ones as {name, reason}."""
    accepted, rejected = [], []
    for position, (name, data, cid) in enumerate(files):
        try:
            if position >= MAX_ATTACHMENTS:
                raise RejectedFile(f"{MAX_ATTACHMENTS} fichiers au maximum par message.")
            accepted.append((check_upload(name, data), cid))
        except RejectedFile as refusal:
            rejected.append({"name": name, "reason": refusal.reason})
    return accepted, rejected


def store_files(message: Message, accepted: list[tuple[CheckedFile, str]], cases: list[Case]) -> None:
    citizen_emails = {case.citizen.email.lower() for case in cases if hasattr(case, "citizen") and case.citizen.email}
    transmitter = (
        Transmitter.CITIZEN
        if parseaddr(message.from_email)[1].lower() in citizen_emails
        else Transmitter.ADMINISTRATION
    )
    files = [checked for checked, _cid in accepted]
    store_attachments(files, transmitter=transmitter, message=message, inline_cids=[cid for _file, cid in accepted])


def known_correspondent(case: Case, address: str) -> bool:
    """The case's citizen, or someone the case's emails were sent to: addresses the platform has vouched for.

    The sender of an earlier inbound email does not count: a forged From: would make itself known
    with a first email, then have the next one's notice sent to its victim.
    """
    address = address.lower()
    citizen = getattr(case, "citizen", None)
    if citizen is not None and citizen.email.lower() == address:
        return True
    sent = Message.objects.filter(case_links__case=case, direction=Message.Direction.OUT).values_list("to", "cc")
    return any(address == recipient.lower() for to, cc in sent for recipient in [*to, *cc])


def notice_name(name: str) -> str:
    """A refused file's name as the notice quotes it: at most NOTICE_NAME_LENGTH characters, never a link.

    The sender chose the name, and the notice goes out under the platform's name: a name such as
    « www.banque-exemple.fr » or « payez-ici.zip » (.zip is a top-level domain) would be made a link
    by the reader's mail client. Link characters become « _ », except the dot of an accepted extension.
    """
    stem, extension = os.path.splitext(display_name(name))
    if extension.lower() not in SAFE_EXTENSIONS:
        stem, extension = stem + extension, ""
    stem = LINK_CHARACTERS.sub("_", stem)
    if len(stem) + len(extension) > NOTICE_NAME_LENGTH:
        stem = stem[: NOTICE_NAME_LENGTH - len(extension) - 1] + "…"
    return stem + extension


def notice_reason(reason: str, name: str) -> str:
    """The refusal without the file's name, which `notice_name` quotes once: « dépasse 10 Mo. »."""
    return reason.replace(f"« {display_name(name)} »", "").lstrip(" :")


def notify_rejected(message: Message, sender: str, rejected: list[dict], cases: list[Case], auto_reply: bool) -> None:
    """Tell the sender which files were refused, if the sender is known on one of the cases.

    From: is whatever the sender wrote: answering anyone would let a forger have the platform mail
    its victims (backscatter). Auto-replies and the platform's own addresses get nothing (no loops).
    """
    if auto_reply or not sender or sender.lower().endswith("@" + settings.INBOUND_DOMAIN.lower()):
        return
    case = next((case for case in cases if known_correspondent(case, sender)), None)
    if case is None:
        return
    files = [
        {"name": notice_name(file["name"]), "reason": notice_reason(file["reason"], file["name"])} for file in rejected
    ]
    queue_email(
        "rejected_attachments",
        [sender],
        {
            "case": case,
            "rejected": files,
            "max_size_label": max_size_label(),
            "accepted_kinds_label": ACCEPTED_KINDS_LABEL,
        },
        case=case,
        in_reply_to=message.message_id,
    )
