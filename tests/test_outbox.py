import pytest
from django.core import mail
from django.db import transaction

from cases.mail.outbound import deliver, queue_email
from cases.models import Message
from tests.factories import CaseFactory


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
    assert sent.subject == "Demande de médiation reçue"
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
