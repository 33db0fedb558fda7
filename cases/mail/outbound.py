"""The outbox: every email is a Message row first, then a huey task sends it.

Writing the row inside the caller's transaction and enqueuing only after commit
means an email is never sent for work that was rolled back, and never lost when
the worker is down: the row stays "queued" until it is sent.
"""

import uuid
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from cases.mail.rendering import render_email
from cases.models import Case, Message, MessageCase


def new_message_id(case: Case | None = None) -> str:
    """A Message-ID that names the case, so replies can be threaded back to it."""
    local = f"dossier-{case.number}.{uuid.uuid4().hex}" if case else uuid.uuid4().hex
    return f"<{local}@{settings.INBOUND_DOMAIN}>"


def queue_email(
    template: str,
    to: list[str],
    context: dict,
    *,
    case: Case | None = None,
    reply_to: str = "",
    sent_by=None,
) -> Message:
    rendered = render_email(template, context)
    message = Message.objects.create(
        direction=Message.Direction.OUT,
        status=Message.State.QUEUED,
        template=template,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=reply_to or (case.reply_address if case else ""),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        message_id=new_message_id(case),
        sent_by=sent_by,
    )
    if case is not None:
        MessageCase.objects.create(message=message, case=case, processed=None)
    transaction.on_commit(partial(enqueue_send, message.pk))
    return message


def enqueue_send(message_pk: int) -> None:
    from cases.tasks import send_message

    send_message(message_pk)


def as_email(message: Message) -> EmailMultiAlternatives:
    headers = {"Message-ID": message.message_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
        headers["References"] = message.references or message.in_reply_to
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
    return email


@transaction.atomic
def deliver(message_pk: int) -> None:
    """Send a queued message once; a message already sent is left alone (safe to re-run)."""
    message = Message.objects.select_for_update().get(pk=message_pk)
    if message.status != Message.State.QUEUED:
        return
    message.attempts += 1
    as_email(message).send()
    message.status = Message.State.SENT
    message.sent_at = timezone.now()
    message.save(update_fields=["attempts", "status", "sent_at"])
