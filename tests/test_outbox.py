import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cases.mail import outbound
from cases.mail.outbound import deliver, queue_email
from cases.models import Message
from tests.factories import CaseFactory, UserFactory


def acknowledgement(case):
    return queue_email(
        "case_acknowledgement",
        [case.citizen.email],
        {"case": case, "citizen": case.citizen, "send_copy": False, "answers": []},
        case=case,
    )


def test_email_is_a_row_first_then_sent_after_commit(db, django_capture_on_commit_callbacks):
    case = CaseFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = acknowledgement(case)
    assert message.status == Message.State.QUEUED
    assert mail.outbox == []

    for callback in callbacks:
        callback()

    message.refresh_from_db()
    assert message.status == Message.State.SENT
    assert message.attempts == 1
    [sent] = mail.outbox
    assert sent.to == [case.citizen.email]
    assert sent.subject == f"Dossier n°{case.number} — Demande de médiation reçue"
    assert sent.reply_to == [case.reply_address]
    assert sent.extra_headers["Message-ID"].startswith(f"<dossier-{case.number}.")
    assert f"n°{case.number}" in sent.body
    assert list(case.messages.all()) == [message]


def test_nothing_is_kept_or_sent_when_the_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    case = CaseFactory()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        acknowledgement(case)
        raise RuntimeError("the caller's work failed")
    assert callbacks == []
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_delivering_twice_sends_once(db, django_capture_on_commit_callbacks):
    case = CaseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        message = acknowledgement(case)
    deliver(message.pk)
    assert len(mail.outbox) == 1


# Providers: Mailjet first, Brevo on error; only their HTTP APIs are mocked. ------------------------

MAILJET_SEND = "https://api.mailjet.com/v3.1/send"
BREVO_SEND = "https://api.brevo.com/v3/smtp/email"


def mailjet_accepts(api, recipient):
    api.add(
        "POST",
        MAILJET_SEND,
        json={
            "Messages": [{"Status": "success", "To": [{"Email": recipient, "MessageUUID": "u-1", "MessageID": 7001}]}]
        },
    )


@pytest.fixture
def providers(mail_settings, provider_api):
    mail_settings.ANYMAIL = {
        **mail_settings.ANYMAIL,
        "MAILJET_API_KEY": "cle-mailjet",
        "MAILJET_SECRET_KEY": "secret-mailjet",
        "BREVO_API_KEY": "cle-brevo",
    }
    return provider_api


def sent_through(api, url):
    return [call for call in api.calls if call.request.url == url]


def test_mailjet_sends_and_its_message_id_is_kept(providers, django_capture_on_commit_callbacks):
    case = CaseFactory()
    mailjet_accepts(providers, case.citizen.email)
    with django_capture_on_commit_callbacks(execute=True):
        message = acknowledgement(case)
    message.refresh_from_db()
    assert (message.status, message.provider, message.provider_message_id) == (Message.State.SENT, "mailjet", "7001")
    [call] = sent_through(providers, MAILJET_SEND)
    body = json.loads(call.request.body)["Globals"]
    assert body["ReplyTo"]["Email"] == case.reply_address
    assert body["Headers"]["Message-ID"] == message.message_id
    assert body["Headers"]["Auto-Submitted"] == "auto-generated"
    assert not sent_through(providers, BREVO_SEND)


def test_when_mailjet_fails_the_same_message_goes_through_brevo(providers, django_capture_on_commit_callbacks):
    case = CaseFactory()
    providers.add("POST", MAILJET_SEND, status=503, body="Service Unavailable")
    providers.add("POST", BREVO_SEND, status=201, json={"messageId": "<brevo-1@smtp-relay.mailin.fr>"})
    with django_capture_on_commit_callbacks(execute=True):
        message = acknowledgement(case)
    message.refresh_from_db()
    assert (message.status, message.provider) == (Message.State.SENT, "brevo")
    assert message.provider_message_id == "<brevo-1@smtp-relay.mailin.fr>"
    assert message.attempts == 1
    [call] = sent_through(providers, BREVO_SEND)
    body = json.loads(call.request.body)
    assert body["subject"] == f"Dossier n°{case.number} — Demande de médiation reçue"
    assert body["headers"]["Message-ID"] == message.message_id


def test_both_failing_retries_with_back_off_then_leaves_the_message_failed_and_visible(
    providers, django_capture_on_commit_callbacks
):
    case = CaseFactory()
    providers.add("POST", MAILJET_SEND, status=500, body="erreur interne")
    providers.add("POST", BREVO_SEND, status=502, body="passerelle")
    with django_capture_on_commit_callbacks(execute=True):
        message = acknowledgement(case)
    message.refresh_from_db()
    assert message.status == Message.State.QUEUED
    assert message.attempts == 1
    assert "mailjet" in message.error and "brevo" in message.error
    delays = [message.next_attempt_at - timezone.now()]
    for _ in range(outbound.MAX_ATTEMPTS - 1):
        deliver(message.pk)
        message.refresh_from_db()
        if message.next_attempt_at:
            delays.append(message.next_attempt_at - timezone.now())
    assert message.status == Message.State.FAILED
    assert message.attempts == outbound.MAX_ATTEMPTS
    assert len(sent_through(providers, MAILJET_SEND)) == len(sent_through(providers, BREVO_SEND)) == 5
    assert delays == sorted(delays), "each retry waits longer"
    assert case.messages.filter(status=Message.State.FAILED).get() == message
    deliver(message.pk)
    assert len(sent_through(providers, MAILJET_SEND)) == 5, "a failed message is not sent again by itself"


def test_the_sweeper_requeues_rows_whose_task_was_lost(db, django_capture_on_commit_callbacks):
    case = CaseFactory()
    with django_capture_on_commit_callbacks(execute=False):
        message = acknowledgement(case)  # the worker died: its task never ran
    assert outbound.sweep_outbox() == (0, 0), "too recent: its task may still be on its way"
    later = timezone.now() + outbound.QUEUED_GRACE + timedelta(seconds=1)
    assert outbound.sweep_outbox(later) == (1, 0)
    message.refresh_from_db()
    assert message.status == Message.State.SENT
    assert len(mail.outbox) == 1


def test_the_sweeper_fails_rows_left_sending_by_a_dead_worker_rather_than_risk_a_second_copy(db):
    case = CaseFactory()
    with transaction.atomic():
        message = acknowledgement(case)
    Message.objects.filter(pk=message.pk).update(
        status=Message.State.SENDING, claimed_at=timezone.now() - outbound.SENDING_LEASE - timedelta(minutes=1)
    )
    assert outbound.sweep_outbox() == (0, 1)
    message.refresh_from_db()
    assert message.status == Message.State.FAILED
    assert "interrompu" in message.error
    deliver(message.pk)
    assert mail.outbox == []


def test_attachments_go_with_the_email(db, django_capture_on_commit_callbacks):
    from cases.uploads import check_upload

    case = CaseFactory()
    pdf = check_upload("Décision.pdf", b"%PDF-1.4\n%%EOF\n")
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(
            "case_closed",
            [case.citizen.email],
            {"case": case, "citizen": case.citizen},
            case=case,
            files=[pdf],
        )
    [sent] = mail.outbox
    assert sent.attachments == [("Décision.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")]


def password_reset(user):
    return queue_email(
        "password_reset_request",
        [user.email],
        {
            "user": user,
            "reset_url": "https://mediature.example/admin/password_reset/secret-token/",
            "valid_minutes": 60,
        },
    )


def test_a_sent_email_with_a_personal_link_keeps_no_usable_link(db, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        message = password_reset(user)
    [sent] = mail.outbox
    assert "secret-token" in sent.body
    message.refresh_from_db()
    assert message.status == Message.State.SENT
    assert "secret-token" not in message.text + message.html
    assert message.text == outbound.FORGOTTEN_BODY


def test_a_failed_email_with_a_personal_link_keeps_no_usable_link(providers, django_capture_on_commit_callbacks):
    user = UserFactory()
    providers.add("POST", MAILJET_SEND, status=400, body="refusé")
    providers.add("POST", BREVO_SEND, status=400, body="refusé")
    with django_capture_on_commit_callbacks(execute=True):
        message = password_reset(user)
    for _ in range(outbound.MAX_ATTEMPTS - 1):
        deliver(message.pk)
    message.refresh_from_db()
    assert message.status == Message.State.FAILED
    assert "secret-token" not in message.text + message.html


def test_other_emails_keep_their_body_after_sending(db, django_capture_on_commit_callbacks):
    case = CaseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        message = acknowledgement(case)
    message.refresh_from_db()
    assert f"n°{case.number}" in message.text
