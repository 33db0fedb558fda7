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

Reports about our emails (bounces, delays, delivery and read receipts,
cases/mail/reports.py) move the outgoing email they are about and never reach a
case; auto-replies reach the case already processed and never get an answer;
emails sent by the platform itself are ignored (no loops). How the words, files
and attached emails are read is cases/mail/reading.py.

`store_raw(raw, door, envelope_sender=…, envelope_recipient=…)` is the one entry
point: whatever brings an email (the three doors, or another part of the platform
with RFC 822 bytes) stores it there and lets the task do the rest.

The same email reaching us twice (Mailjet calls once per case address, a
provider retries, an MTA pipes once per recipient) is one Message.
"""

import hmac
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from cases.choices import Transmitter
from cases.mail import reports
from cases.mail.outbound import platform_address, queue_email
from cases.mail.reading import InboundFile, addresses, clean, header, message_ids, parse, read_content
from cases.models import (
    Case,
    CaseEvent,
    InboundEmail,
    Message,
    MessageCase,
    reply_signature,
)
from cases.notify.service import messages_arrived
from cases.search.document import reindex_after_commit
from cases.uploads import (
    EXTENSIONS,
    CheckedFile,
    RejectedFile,
    check_attached_email,
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
    """Commit the raw email, then queue its processing. Raises InboundTooLarge over the size limit.

    The pipeline's one entry point, kept stable: the three doors and the citizen's online answer
    (cases/citizen/answer.py, door « web ») call it with RFC 822 bytes; `process(pk)` may then be
    called at once by the caller too (exactly once whoever runs first)."""
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
    """Thread one stored email, exactly once: everything it creates commits with its new state.

    A failure rolls all of it back, then counts the attempt in a transaction of its own (with no savepoint
    around the threading, two statements less per email): after MAX_ATTEMPTS the email is kept aside."""
    try:
        with transaction.atomic():
            inbound = claim(inbound_pk)
            if inbound is None:
                return
            inbound.attempts += 1
            thread(inbound)
            inbound.save(update_fields=PROCESSED_FIELDS)  # never the raw bytes again: up to 25 MB
    except Exception as error:
        logger.exception("Inbound email %s could not be processed", inbound_pk)
        count_failure(inbound_pk, error)


def claim(inbound_pk: int) -> InboundEmail | None:
    """The stored email still to thread, locked; None when done or being threaded by another worker."""
    return (
        InboundEmail.objects.select_for_update(skip_locked=True)
        .filter(pk=inbound_pk, state=InboundEmail.State.RECEIVED)
        .first()
    )


def count_failure(inbound_pk: int, error: Exception) -> None:
    with transaction.atomic():
        inbound = claim(inbound_pk)
        if inbound is None:
            return
        inbound.attempts += 1
        inbound.error = clean(f"{type(error).__name__}: {error}")[:2000]
        if inbound.attempts >= MAX_ATTEMPTS:
            set_state(inbound, InboundEmail.State.KEPT_ASIDE, InboundEmail.Reason.UNREADABLE)
        inbound.save(update_fields=["attempts", "error", "state", "reason", "processed_at"])


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


def is_own_email(msg: EmailMessage, sender: str) -> bool:
    """Sent by the platform: from its addresses, or under one of its Message-IDs (all on INBOUND_DOMAIN, so
    only those are looked up: one query less for every other email)."""
    domain = "@" + settings.INBOUND_DOMAIN.lower()
    if sender == platform_address() or sender.endswith(domain):
        return True
    own_id = message_ids(header(msg, "message-id"))
    if not own_id or not own_id[0].lower().endswith(domain + ">"):
        return False
    return Message.objects.filter(direction=Message.Direction.OUT, message_id=own_id[0]).exists()


def thread(inbound: InboundEmail) -> None:
    msg = parse(bytes(inbound.raw))
    from_header = header(msg, "from")
    sender = parseaddr(from_header)[1].lower()
    inbound.from_header = from_header[:998]
    inbound.subject = header(msg, "subject")[:998]
    inbound.recipients = addresses(msg, "to", "cc")
    report = reports.report_of(msg, sender)
    if report is not None:
        reports.apply(report)
        set_state(inbound, InboundEmail.State.IGNORED, report.reason)
        return
    if is_own_email(msg, sender):
        set_state(inbound, InboundEmail.State.IGNORED, InboundEmail.Reason.LOOP)
        return
    target = find_target(msg, inbound.envelope_recipient)
    if target.reason:
        set_state(inbound, InboundEmail.State.KEPT_ASIDE, target.reason)
        return
    auto_reply = reports.is_auto_reply(msg)
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
    messages_arrived(message, new_cases)  # the assignee told (cases/notify/), emailed or typed online alike


def existing_message(message_id: str, from_header: str, fingerprint: str) -> Message | None:
    return Message.objects.filter(
        direction=Message.Direction.IN, message_id=message_id, from_email=from_header[:320], fingerprint=fingerprint
    ).first()


def create_message(
    msg: EmailMessage, inbound: InboundEmail, from_header: str, target: Target, auto_reply: bool
) -> tuple[Message, bool]:
    """The email's message, and whether it was created now (False: the same email reached us before).

    Looked up first, then inserted without a savepoint (two statements, not three): when another worker
    inserts the same email at this very moment, the unique constraint fails this attempt, which is counted
    and retried by the sweeper, and then finds the message."""
    content = read_content(msg, inbound.subject)
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
    existing = existing_message(fields["message_id"], from_header, fields["fingerprint"])
    if existing is not None:  # the same email, reaching us again (Mailjet once per case address, a retry…)
        return existing, False
    accepted, rejected = check_files(content.files)
    message = Message.objects.create(**fields, rejected_files=rejected)
    store_files(message, accepted, target.cases)
    if rejected:
        notify_rejected(message, parseaddr(from_header)[1], rejected, target.cases, auto_reply)
    return message, True


def cap_reason() -> str:
    return f"au-delà de {MAX_ATTACHMENTS} fichiers par message."


def check_files(files: list[InboundFile]) -> tuple[list[tuple[CheckedFile, str]], list[dict]]:
    """The email's files: those accepted (with their Content-ID), and the refused ones as {name, reason}.

    The cap counts accepted files only: refused ones take no place."""
    accepted, rejected = [], []
    for file in files:
        try:
            if len(accepted) >= MAX_ATTACHMENTS:
                raise RejectedFile(cap_reason())
            checked = check_attached_email(file.name, file.data) if file.email else check_upload(file.name, file.data)
            accepted.append((checked, file.cid))
        except RejectedFile as refusal:
            rejected.append({"name": file.name, "reason": refusal.reason})
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


def is_address(value: str) -> bool:
    """An address the notice can go to: what parseaddr makes of a broken From: may be no address at all."""
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def notify_rejected(message: Message, sender: str, rejected: list[dict], cases: list[Case], auto_reply: bool) -> None:
    """Tell the sender which files were refused, if the sender is known on one of the cases.

    From: is whatever the sender wrote: answering anyone would let a forger have the platform mail
    its victims (backscatter). Auto-replies and the platform's own addresses get nothing (no loops).
    """
    if auto_reply or not is_address(sender) or sender.lower().endswith("@" + settings.INBOUND_DOMAIN.lower()):
        return
    case = next((case for case in cases if known_correspondent(case, sender)), None)
    if case is None:
        return
    files = [
        {"name": notice_name(file["name"]), "reason": notice_reason(file["reason"], file["name"])}
        for file in rejected
        if file["reason"] != cap_reason()
    ]
    over_cap = [notice_name(file["name"]) for file in rejected if file["reason"] == cap_reason()]
    if over_cap:  # one line for them all, however many
        files.append({"name": ", ".join(over_cap), "reason": cap_reason()})
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
