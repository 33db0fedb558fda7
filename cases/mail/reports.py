"""What an inbound email is before whom it is for: a report about one of our emails, an auto-reply, or someone's words.

Reports (RFC 3464 delivery status, RFC 8098 read receipts) are read, never shown as messages:

- `Action: failed` (a permanent failure, status 5.x.x, or a server that gave up
  retrying) marks our email undelivered;
- `Action: delayed` (or a 4.x.x status without action) marks it delayed: the
  server keeps trying, the agent sees it is late, not lost;
- `Action: delivered` / `relayed` / `expanded` marks it delivered, a read receipt
  (`Disposition: …; displayed`) marks it read; both are recorded, nothing to process;
- a bounce that is no report (MAILER-DAEMON, a postmaster's « Undeliverable
  Message », a null envelope sender `Return-Path: <>`, `X-Failed-Recipients`) is a
  bounce all the same, whatever its body looks like.

Auto-replies are decided on headers first (RFC 3834 `Auto-Submitted`, `X-Autoreply`,
`X-Autorespond`, `Precedence: auto_reply`, Microsoft's `X-Auto-Response-Suppress`
with an out-of-office subject), then on the exact subjects mail clients write
(« Réponse automatique : », « Absence du bureau : », « Out of Office: »,
« Automatic reply: »). A citizen's « Absence de réponse de la mairie » or « Auto : »
is a citizen's email; `Precedence: bulk` or `list` is a mailing list. When in doubt,
the email is shown to an agent.
"""

import re
from dataclasses import dataclass, field
from email.message import EmailMessage

from cases.mail.reading import (
    ATTACHED_EMAIL_TYPES,
    decode_text,
    header,
    inner_email,
    is_attachment,
    main_type,
    message_ids,
    type_of,
)
from cases.models import InboundEmail, Message

BOUNCE_SENDERS = ("mailer-daemon", "postmaster")
CLIENT_AUTO_SUBJECT = re.compile(
    r"^\s*(réponse automatique|absence du bureau|out of office|automatic reply)\s*:", re.IGNORECASE
)
# Only with Microsoft's X-Auto-Response-Suppress, which Exchange also puts on some people's emails.
OUT_OF_OFFICE_SUBJECT = re.compile(
    r"^\s*(réponse automatique|automatic reply|auto(matic)?[ -]?reply|absence du bureau|absent|out of (the )?office|"
    r"autosvar|abwesenheitsnotiz|automatische antwort|respuesta automática)",
    re.IGNORECASE,
)
STATUS_TYPES = {"message/delivery-status", "message/global-delivery-status"}
RECEIPT_TYPES = {"message/disposition-notification", "message/global-disposition-notification"}
# A report's fields: who it is about, then what happened (Action: for a delivery, Disposition: for a receipt).
REPORT_FIELDS = re.compile(r"(?ims)^final-recipient:.*^(action|disposition):")
FIELD = re.compile(r"(?im)^([a-z-]+):[ \t]*(.*)$")


@dataclass
class Report:
    """A report about our emails: what happened (`reason`) to which of them (`referenced`), and why."""

    reason: str  # InboundEmail.Reason: BOUNCE, DELAYED or RECEIPT
    status: str  # the Message.State our emails move to, "" when none
    referenced: list[str] = field(default_factory=list)
    diagnostic: str = ""


# Which states each report moves our email from: never back, and never over a failure.
MOVES = {
    Message.State.UNDELIVERED: {
        Message.State.QUEUED,
        Message.State.SENDING,
        Message.State.SENT,
        Message.State.DELAYED,
        Message.State.DELIVERED,
    },
    Message.State.DELAYED: {Message.State.QUEUED, Message.State.SENDING, Message.State.SENT},
    Message.State.DELIVERED: {Message.State.QUEUED, Message.State.SENDING, Message.State.SENT, Message.State.DELAYED},
    Message.State.READ: {
        Message.State.QUEUED,
        Message.State.SENDING,
        Message.State.SENT,
        Message.State.DELAYED,
        Message.State.DELIVERED,
    },
}


def unfolded(text: str) -> str:
    return re.sub(r"\r?\n[ \t]+", " ", text)


def fields_of(part: EmailMessage) -> str:
    """The text of a report's machine-readable part (Python splits a delivery status into header blocks)."""
    if part.is_multipart():
        return "\n\n".join(block.as_string() for block in part.get_payload())
    return decode_text(part)


def report_of(msg: EmailMessage, sender: str) -> Report | None:
    """The report this email is, or None when it is someone's email (or an auto-reply).

    By its machine-readable parts rather than its type: the providers' webhooks rebuild a
    multipart/report as multipart/mixed. Parts inside an attached email do not count: a citizen
    forwarding a bounce as an attachment wrote an email."""
    referenced = message_ids(header(msg, "in-reply-to")) + message_ids(header(msg, "references"))
    parts = list(report_parts(msg))
    if any(report_type(part) == "receipt" for part in parts):
        return receipt(parts, referenced)
    if parts:
        return delivery_report(msg, parts, referenced)
    if type_of(msg) == "multipart/report" or is_bounce(msg, sender):
        return Report(InboundEmail.Reason.BOUNCE, Message.State.UNDELIVERED, referenced + quoted_ids(msg))
    return None


def report_parts(part: EmailMessage):
    """The delivery status and read receipt parts of the email itself (never of an email attached to it).

    A provider's webhook may have turned one into a nameless text attachment: its fields still tell."""
    content_type = type_of(part)
    if content_type in STATUS_TYPES or content_type in RECEIPT_TYPES:
        yield part
    elif content_type not in ATTACHED_EMAIL_TYPES and part.is_multipart():
        for child in part.iter_parts():
            yield from report_parts(child)
    elif content_type == "text/plain" and is_attachment(part) and REPORT_FIELDS.search(decode_text(part)):
        yield part


def report_type(part: EmailMessage) -> str:
    """ "receipt" or "status", for a report part however the provider typed it."""
    if type_of(part) in RECEIPT_TYPES:
        return "receipt"
    if type_of(part) in STATUS_TYPES:
        return "status"
    return "receipt" if re.search(r"(?im)^disposition:", decode_text(part)) else "status"


def is_bounce(msg: EmailMessage, sender: str) -> bool:
    if sender.split("@")[0] in BOUNCE_SENDERS or header(msg, "x-failed-recipients"):
        return True
    return not is_auto_reply(msg) and header(msg, "return-path") == "<>"


def quoted_ids(msg: EmailMessage) -> list[str]:
    """The Message-IDs a bounce quotes of our email: an attached original, its headers, or lines of its text."""
    found = []
    for part in msg.walk():
        content_type = type_of(part)
        if content_type in ATTACHED_EMAIL_TYPES:
            inner = inner_email(part)
            found += message_ids(header(inner, "message-id")) if inner is not None else []
        elif not part.is_multipart() and main_type(part) in ("text", "message"):
            text = unfolded(fields_of(part))
            found += message_ids(" ".join(re.findall(r"(?im)^\s*message-id:\s*(.+)$", text)))
    return found


def delivery_report(msg: EmailMessage, parts: list[EmailMessage], referenced: list[str]) -> Report:
    actions, statuses, diagnostics = [], [], []
    for part in parts:
        for name, value in FIELD.findall(unfolded(fields_of(part))):
            name = name.lower()
            if name == "action":
                actions.append(value.strip().lower())
            elif name == "status":
                statuses.append(value.strip())
            elif name == "diagnostic-code":
                diagnostics.append(value.strip())
    referenced = referenced + quoted_ids(msg)
    diagnostic = " ".join(diagnostics)
    if "failed" in actions or (not actions and any(status.startswith("5") for status in statuses)):
        return Report(InboundEmail.Reason.BOUNCE, Message.State.UNDELIVERED, referenced, diagnostic)
    if "delayed" in actions or (not actions and any(status.startswith("4") for status in statuses)):
        return Report(InboundEmail.Reason.DELAYED, Message.State.DELAYED, referenced, diagnostic)
    if set(actions) & {"delivered", "relayed", "expanded"} or any(status.startswith("2") for status in statuses):
        return Report(InboundEmail.Reason.RECEIPT, Message.State.DELIVERED, referenced, diagnostic)
    return Report(InboundEmail.Reason.BOUNCE, Message.State.UNDELIVERED, referenced, diagnostic)


def receipt(parts: list[EmailMessage], referenced: list[str]) -> Report:
    """A read receipt: « displayed » marks our email read; « deleted » and the others only record it."""
    disposition = ""
    for part in parts:
        if report_type(part) == "receipt":
            text = unfolded(fields_of(part))
            referenced = referenced + message_ids(" ".join(re.findall(r"(?im)^original-message-id:\s*(.+)$", text)))
            disposition += " ".join(re.findall(r"(?im)^disposition:\s*(.+)$", text)).lower()
    status = Message.State.READ if "displayed" in disposition else ""
    return Report(InboundEmail.Reason.RECEIPT, status, referenced)


def apply(report: Report) -> None:
    """Move our emails the report is about (never an inbound one, never backwards)."""
    if not report.status or not report.referenced:
        return
    changes = {"status": report.status}
    if report.status in (Message.State.UNDELIVERED, Message.State.DELAYED):
        default = "Avis de non-distribution reçu." if report.status == Message.State.UNDELIVERED else ""
        changes["error"] = (report.diagnostic or default)[:2000]
    Message.objects.filter(
        direction=Message.Direction.OUT, message_id__in=report.referenced, status__in=MOVES[report.status]
    ).update(**changes)


def is_auto_reply(msg: EmailMessage) -> bool:
    auto_submitted = header(msg, "auto-submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if header(msg, "x-autoreply") or header(msg, "x-autorespond") or header(msg, "x-autoresponder"):
        return True
    if header(msg, "precedence").lower() == "auto_reply":
        return True
    subject = header(msg, "subject")
    if header(msg, "x-auto-response-suppress") and OUT_OF_OFFICE_SUBJECT.match(subject):
        return True
    return bool(CLIENT_AUTO_SUBJECT.match(subject))
