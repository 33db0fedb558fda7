"""The citizen's answer typed on their page enters the inbound pipeline as an emailed reply would.

It is written as an RFC 822 email from the citizen to the case's reply address and handed to
`cases.mail.inbound.store_raw` (door « web »): the same threading, the same file checks, « à traiter »
and the agents' notice as for an email, nothing of its own to keep in step. The page then processes it
at once (`inbound.process`, exactly once whoever runs it first, the worker or the page), so it shows in
the citizen's thread on the next page.

Nothing typed is lost on an error: the text comes back in the form, and every accepted file waits as a
pending upload (an Attachment of no case and no message, removed by the nightly clean-up after 7 days,
cases/privacy/cleanup.py), named in the form through a signed list so no one else can claim it.
"""

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from django.conf import settings
from django.core import signing
from django.db import transaction

from cases.choices import Transmitter
from cases.mail import inbound
from cases.models import Attachment, Case, InboundEmail, Message
from cases.uploads import RejectedFile, check_size, check_upload, display_name, store_attachments

PENDING_SALT = "cases.citizen.pending"
NO_EMAIL_SENDER = "sans-adresse@requerant.invalid"  # a citizen known by post only: RFC 2606's reserved domain
MAX_TEXT = 20_000
# The files travel base64-encoded inside one email, which the pipeline takes up to INBOUND_MAX_BYTES.
ENCODING_ROOM = 0.7


@dataclass
class Draft:
    """What the citizen sent: text, files accepted now or earlier (pending), and what was refused."""

    text: str
    pending: list[Attachment] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def sign_pending(case: Case, attachments: list[Attachment]) -> str:
    return signing.dumps({"case": case.number, "files": [a.pk for a in attachments]}, salt=PENDING_SALT)


def pending_of(case: Case, signed: str, removed: set[int]) -> list[Attachment]:
    try:
        data = signing.loads(signed, salt=PENDING_SALT, max_age=7 * 24 * 3600) if signed else {}
    except signing.BadSignature:
        return []
    if data.get("case") != case.number:
        return []
    pks = [pk for pk in data.get("files", []) if pk not in removed]
    rows = Attachment.objects.filter(
        pk__in=pks, case__isnull=True, message__isnull=True, transmitter=Transmitter.CITIZEN
    ).order_by("pk")
    return list(rows)


def max_total() -> int:
    return int(inbound.max_bytes() * ENCODING_ROOM)


def prepare(case: Case, text: str, uploads, signed_pending: str, removed: set[int]) -> Draft:
    """Check what was sent: accepted new files join the pending ones (stored now), refusals are named."""
    draft = Draft(text=text.strip()[:MAX_TEXT], pending=pending_of(case, signed_pending, removed))
    accepted = []
    for upload in uploads:
        name = display_name(upload.name)
        try:
            check_size(name, upload.size)
            accepted.append(check_upload(upload.name, upload.read()))
        except RejectedFile as refusal:
            draft.errors.append(refusal.reason)
    room = settings.UPLOAD_MAX_FILES - len(draft.pending)
    if len(accepted) > room:
        draft.errors.append(f"{settings.UPLOAD_MAX_FILES} fichiers au plus par réponse : les suivants sont en trop.")
        accepted = accepted[:room]
    if accepted:
        draft.pending += store_attachments(accepted, transmitter=Transmitter.CITIZEN)
    if sum(a.size for a in draft.pending) > max_total():
        draft.errors.append(
            f"Vos fichiers dépassent {max_total() // (1024 * 1024)} Mo au total : retirez-en, "
            "et envoyez-les dans une autre réponse."
        )
    if not draft.text and not draft.pending:
        draft.errors.append("Écrivez votre message ou joignez au moins un fichier.")
    return draft


def as_email(case: Case, text: str, files: list[tuple[str, bytes, str]], subject: str) -> bytes:
    citizen = case.citizen
    email = EmailMessage()
    email["From"] = formataddr((citizen.full_name, citizen.email or NO_EMAIL_SENDER))
    email["To"] = case.reply_address
    email["Subject"] = subject
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = make_msgid("suivi-en-ligne", settings.INBOUND_DOMAIN)
    last = (
        Message.objects.filter(case_links__case=case, direction=Message.Direction.OUT)
        .order_by("-created_at")
        .values_list("message_id", flat=True)
        .first()
    )
    if last:
        email["In-Reply-To"] = last
        email["References"] = last
    email.set_content(text or "(Documents joints)")
    for name, data, content_type in files:
        maintype, subtype = content_type.split("/", 1)
        email.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return email.as_bytes()


def send(case: Case, text: str, pending: list[Attachment], subject: str | None = None) -> InboundEmail:
    """Hand the answer to the inbound pipeline, then process it now; the pending files are released."""
    rows = Attachment.objects.filter(pk__in=[a.pk for a in pending]).select_related("content").order_by("pk")
    files = [(row.name, bytes(row.content.data), row.content_type) for row in rows]
    raw = as_email(case, text, files, subject or f"Dossier n°{case.number} — Réponse en ligne")
    with transaction.atomic():
        stored = inbound.store_raw(raw, InboundEmail.Door.WEB)
        Attachment.objects.filter(pk__in=[a.pk for a in pending]).delete()
    inbound.process(stored.pk)
    return stored
