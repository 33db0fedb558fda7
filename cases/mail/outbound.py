"""The outbox: every email is a Message row first, then a huey task sends it.

Writing the row inside the caller's transaction and enqueuing only after commit
means an email is never sent for work that was rolled back, and never lost when
the worker is down: the row stays "queued" until it is sent.

Sending is done in three short steps so that a worker killed at any moment
leaves a row whose state says what is known:

1. claim: the row goes from queued to sending (committed), attempts + 1;
2. send: Mailjet first, then Brevo on any provider error (anymail backends);
3. record: sent (with the provider and its message id), or back to queued with
   the next attempt scheduled after a back-off, or failed after the last attempt.

A row left "queued" (its task was lost with a dead worker) is re-queued by the
sweeper. A row left "sending" past the lease may or may not have reached the
provider: it is marked failed, never sent a second time, so every email is sent
exactly once or shown as failed on its case (an agent can then send it again).
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import partial
from typing import Any

from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.utils import timezone

from cases.choices import Transmitter
from cases.citizen.links import personalise
from cases.mail.rendering import render_email
from cases.models import Attachment, Case, Message, MessageCase
from cases.search.document import reindex_after_commit
from cases.uploads import CheckedFile, attachment_rows, save_attachments

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Delay before attempts 2, 3, 4 and 5: about 1 h 20 from the first try to the last.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
# A row still "sending" after this long belongs to a worker that died.
SENDING_LEASE = timedelta(minutes=15)
# A queued row whose attempt is this late lost its task.
QUEUED_GRACE = timedelta(minutes=10)
# Errors that another provider or a later attempt would not fix.
PERMANENT_ERRORS = (AnymailRecipientsRefused, AnymailInvalidAddress)
INTERRUPTED = (
    "Envoi interrompu : le processus d'envoi s'est arrêté pendant l'envoi. "
    "Le courriel a pu ne pas partir ; renvoyez-le si nécessaire."
)

# Emails carrying a personal sign-up or password-reset link: their body is forgotten once the email
# is sent or given up on, so the outbox never keeps a link someone could use.
SECRET_LINK_TEMPLATES = frozenset({"invitation_member", "invitation_admin", "password_reset_request"})
FORGOTTEN_BODY = "[Contenu effacé après l'envoi : cet email contenait un lien personnel.]"

MAILJET_BACKEND = "anymail.backends.mailjet.EmailBackend"
BREVO_BACKEND = "anymail.backends.brevo.EmailBackend"


def new_message_id(case: Case | None = None) -> str:
    """A Message-ID that names the case, so replies can be threaded back to it."""
    local = f"dossier-{case.number}.{uuid.uuid4().hex}" if case else uuid.uuid4().hex
    return f"<{local}@{settings.INBOUND_DOMAIN}>"


def platform_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def sender_named(name: str) -> str:
    """The platform's own address under another display name ("Le médiateur"), encoded when sent."""
    return f"{name} <{platform_address()}>"


@dataclass(frozen=True)
class OutgoingEmail:
    """One email to queue: its template and context, who it goes to, and the case it belongs to."""

    template: str
    to: list[str]
    context: dict
    case: Case | None = None
    reply_to: str = ""
    sent_by: Any = None
    cc: list[str] | tuple = ()
    files: list[CheckedFile] | tuple = ()
    from_email: str = ""
    content_subject: str = ""
    content_html: str = ""
    in_reply_to: str = ""

    def as_message(self) -> Message:
        rendered = render_email(self.template, self.context)
        return Message(
            direction=Message.Direction.OUT,
            status=Message.State.QUEUED,
            template=self.template,
            from_email=self.from_email or settings.DEFAULT_FROM_EMAIL,
            to=list(self.to),
            cc=list(self.cc),
            reply_to=self.reply_to or (self.case.reply_address if self.case else ""),
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            content_subject=self.content_subject,
            content_html=self.content_html,
            message_id=new_message_id(self.case),
            in_reply_to=self.in_reply_to,
            references=self.in_reply_to,
            sent_by=self.sent_by,
            next_attempt_at=timezone.now(),
        )


def queue_email(template: str, to: list[str], context: dict, **options) -> Message:
    """Write the email as a queued row (with its attachments) and send it after commit.

    `options` are `OutgoingEmail`'s other fields (case, sent_by, cc, files…)."""
    return queue_emails([OutgoingEmail(template, list(to), context, **options)])[0]


# No savepoint of its own: its callers are atomic, and any error here rolls back their whole work anyway.
@transaction.atomic(savepoint=False)
def queue_emails(emails: list[OutgoingEmail]) -> list[Message]:
    """Queue emails with one INSERT per table however many they are (an agent writing to the citizen and
    to third parties queues two), each sent by its own task after commit."""
    messages = Message.objects.bulk_create([email.as_message() for email in emails])
    rows = []
    for email, message in zip(emails, messages, strict=True):
        transmitter = Transmitter.AGENT if email.sent_by else Transmitter.ADMINISTRATION
        rows += attachment_rows(
            list(email.files), transmitter=transmitter, case=email.case, message=message, uploaded_by=email.sent_by
        )
    save_attachments(rows)
    links = MessageCase.objects.bulk_create(
        MessageCase(message=message, case=email.case, processed=None)
        for email, message in zip(emails, messages, strict=True)
        if email.case is not None
    )
    reindex_after_commit(link.case_id for link in links)  # bulk_create sends no post_save
    for message in messages:
        transaction.on_commit(partial(enqueue_send, message.pk))
    return messages


def enqueue_send(message_pk: int, delay: timedelta | None = None) -> None:
    from cases.mail.tasks import send_message

    if delay:
        send_message.schedule((message_pk,), delay=int(delay.total_seconds()))
    else:
        send_message(message_pk)


def attached_files(message: Message) -> list[tuple[str, bytes, str]]:
    """A claimed row's files, read only when `claim` saw it has some."""
    if not message.has_files:
        return []
    attachments = message.attachments.select_related("content")
    return [(attachment.name, bytes(attachment.content.data), attachment.content_type) for attachment in attachments]


def as_email(message: Message, files: list[tuple[str, bytes, str]]) -> EmailMultiAlternatives:
    headers = {"Message-ID": message.message_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
        headers["References"] = message.references or message.in_reply_to
    if message.sent_by_id is None:
        # RFC 3834: automatic emails must not trigger auto-replies (no loops).
        headers["Auto-Submitted"] = "auto-generated"
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=message.from_email,
        to=message.to,
        cc=message.cc,
        reply_to=[message.reply_to] if message.reply_to else None,
        headers=headers,
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    for name, data, content_type in files:
        email.attach(name, data, content_type)
    return email


def providers() -> list[tuple[str, str]]:
    """Mailjet, then Brevo, each when its key is set; the configured backend when neither is."""
    chain = []
    if settings.ANYMAIL.get("MAILJET_API_KEY"):
        chain.append(("mailjet", MAILJET_BACKEND))
    if settings.ANYMAIL.get("BREVO_API_KEY"):
        chain.append(("brevo", BREVO_BACKEND))
    return chain or [("local", settings.EMAIL_BACKEND)]


def deliver(message_pk: int) -> None:
    """One sending attempt of a queued message; anything not queued is left alone (safe to re-run)."""
    message = claim(message_pk)
    if message is None:
        return
    personalise(message)  # the citizen's « Suivre mon dossier » link, made in memory only (cases/citizen/links.py)
    errors, files = [], attached_files(message)
    for name, backend in providers():
        email = as_email(message, files)
        try:
            get_connection(backend, fail_silently=False).send_messages([email])
        except Exception as error:
            logger.warning("Sending message %s through %s failed: %s", message_pk, name, error)
            errors.append(f"{name} : {error}")
            if isinstance(error, PERMANENT_ERRORS):
                record_failure(message, errors, permanent=True)
                return
            continue
        record_sent(message, name, provider_message_id(email))
        return
    record_failure(message, errors)


def claim(message_pk: int) -> Message | None:
    """Queued → sending in one statement, attempts + 1; None when the row is not queued (already sent, or
    claimed by another worker: its UPDATE waits for the first one's, then finds the row no longer queued).

    The row comes back with `has_files`, so an email without attachments costs no query for them."""
    table, attachments = Message._meta.db_table, Attachment._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Only table names from the models are put in the text; every value is a parameter.
    claimed = Message.objects.raw(
        f"""
        UPDATE {table} SET status = %s, attempts = attempts + 1, claimed_at = %s
        WHERE id = %s AND direction = %s AND status = %s
        RETURNING *, EXISTS (SELECT 1 FROM {attachments} a WHERE a.message_id = {table}.id) AS has_files
        """,  # noqa: S608
        [Message.State.SENDING, now, message_pk, Message.Direction.OUT, Message.State.QUEUED],
    )
    return next(iter(claimed), None)


def provider_message_id(email: EmailMultiAlternatives) -> str:
    status = getattr(email, "anymail_status", None)
    if status is None or not status.message_id:
        return ""
    ids = status.message_id
    return ",".join(sorted(str(i) for i in ids)) if isinstance(ids, set) else str(ids)


def record_sent(message: Message, provider: str, provider_id: str) -> None:
    # Even if the sweeper gave up on it meanwhile, the provider accepted it: it is sent.
    Message.objects.filter(pk=message.pk).exclude(status=Message.State.SENT).update(
        status=Message.State.SENT,
        sent_at=timezone.now(),
        provider=provider,
        provider_message_id=provider_id[:255],
        error="",
        next_attempt_at=None,
    )
    forget_secret_link(message)


def record_failure(message: Message, errors: list[str], *, permanent: bool = False) -> None:
    error = "\n".join(errors)
    if permanent or message.attempts >= MAX_ATTEMPTS:
        Message.objects.filter(pk=message.pk, status=Message.State.SENDING).update(
            status=Message.State.FAILED, error=error, next_attempt_at=None
        )
        forget_secret_link(message)
        return
    delay = RETRY_DELAYS[min(message.attempts, len(RETRY_DELAYS)) - 1]
    updated = Message.objects.filter(pk=message.pk, status=Message.State.SENDING).update(
        status=Message.State.QUEUED, error=error, next_attempt_at=timezone.now() + delay
    )
    if updated:
        enqueue_send(message.pk, delay)


def forget_secret_link(message: Message) -> None:
    """Blank this sent or failed email's body if its template carries a secret link (no query for the others)."""
    if message.template in SECRET_LINK_TEMPLATES:
        forget_secret_links(Message.objects.filter(pk=message.pk))


def forget_secret_links(messages) -> None:
    """Blank the body of secret-bearing emails among `messages` (sent or failed ones only)."""
    messages.filter(template__in=SECRET_LINK_TEMPLATES).exclude(text=FORGOTTEN_BODY).update(
        text=FORGOTTEN_BODY, html=""
    )


def sweep_outbox(
    now: datetime | None = None, *, queued_grace: timedelta = QUEUED_GRACE, sending_lease: timedelta = SENDING_LEASE
) -> tuple[int, int]:
    """Re-queue rows whose task was lost; fail rows whose worker died while sending.

    Returns (re-queued, failed).
    """
    now = now or timezone.now()
    interrupted = Message.objects.filter(
        direction=Message.Direction.OUT, status=Message.State.SENDING, claimed_at__lte=now - sending_lease
    )
    # Only the rows failed now: every failed row since the start would be read again at each sweep.
    interrupted_pks = list(interrupted.values_list("pk", flat=True))
    failed = interrupted.filter(pk__in=interrupted_pks).update(
        status=Message.State.FAILED, error=INTERRUPTED, next_attempt_at=None
    )
    if interrupted_pks:
        forget_secret_links(Message.objects.filter(pk__in=interrupted_pks, status=Message.State.FAILED))
    late = list(
        Message.objects.filter(
            direction=Message.Direction.OUT, status=Message.State.QUEUED, next_attempt_at__lte=now - queued_grace
        ).values_list("pk", flat=True)
    )
    for pk in late:
        enqueue_send(pk)
    if late or failed:
        logger.warning("Outbox sweeper: %d re-queued, %d interrupted marked failed", len(late), failed)
    return len(late), failed
