"""Delivery reports (cases/mail/tracking.py): the providers' tracking webhooks mark a bounced email undelivered.

The payloads are the providers' documented event formats, posted to our guarded
anymail views (/mail/mailjet/tracking/, /mail/brevo/tracking/); the outgoing
message is found by the id the provider gave when it accepted it.
"""

import json

import pytest
from django.urls import reverse

from cases.models import Message
from tests.factories import CaseFactory
from tests.mailbox import basic_auth
from tests.workspace_factories import MessageFactory, fast_passwords  # noqa: F401


def outgoing(case, provider_message_id: str, status=Message.State.SENT, provider="mailjet") -> Message:
    return MessageFactory(
        cases=[case],
        direction=Message.Direction.OUT,
        status=status,
        to=["tiers@mairie.fr"],
        provider=provider,
        provider_message_id=provider_message_id,
    )


def mailjet_event(event: str, message_id: int, **extra) -> dict:
    return {
        "event": event,
        "time": 1710237761,
        "MessageID": message_id,
        "Message_GUID": "1ab23cd4-e567-8901-2345-6789f0gh1i2j",
        "email": "tiers@mairie.fr",
        "mj_campaign_id": 0,
        "mj_contact_id": 987654,
        "customcampaign": "",
        "CustomID": "",
        "Payload": "",
        **extra,
    }


def brevo_event(event: str, message_id: str, **extra) -> dict:
    return {
        "event": event,
        "email": "tiers@mairie.fr",
        "id": 123456,
        "date": "2024-03-12 11:02:41",
        "ts": 1710237761,
        "message-id": message_id,
        "ts_event": 1710237761,
        "subject": "Un médiateur vous a écrit",
        "ts_epoch": 1710237761000,
        **extra,
    }


def post(client, door: str, payload, auth: str | None = None):
    headers = {"HTTP_AUTHORIZATION": auth if auth is not None else basic_auth()}
    return client.post(
        reverse(f"mail:{door}_tracking"), data=json.dumps(payload), content_type="application/json", **headers
    )


def state(message: Message) -> tuple[str, str]:
    message.refresh_from_db()
    return message.status, message.error


@pytest.fixture
def case(mail_settings, authority):
    return CaseFactory(authority=authority)


def test_a_mailjet_bounce_marks_the_email_undelivered_and_the_case_page_says_so(client, case, agent):
    bounced = outgoing(case, "7001")
    other = outgoing(case, "7002")
    event = mailjet_event(
        "bounce", 7001, hard_bounce=True, error_related_to="recipient", error="user unknown", smtp_reply="550 5.1.1"
    )
    assert post(client, "mailjet", event).status_code == 200
    assert state(bounced) == (Message.State.UNDELIVERED, "Mailjet : 550 5.1.1")
    assert state(other) == (Message.State.SENT, "")

    client.force_login(agent)
    content = client.get(reverse("case:detail", args=[case.number])).content.decode()
    assert "Non distribué" in content


def test_mailjet_grouped_events_and_several_recipients_in_one_send(client, case):
    """One send to several recipients gets one id per recipient, stored joined by commas."""
    shared = outgoing(case, "7001,7002,7003")
    first = outgoing(case, "8001")
    opened = outgoing(case, "9001")
    events = [
        mailjet_event("blocked", 7002, error_related_to="recipient", error="preblocked"),
        mailjet_event("open", 9001, ip="127.0.0.1", geo="FR", agent="Mozilla"),
        mailjet_event("sent", 8001, smtp_reply="250 OK"),
    ]
    assert post(client, "mailjet", events).status_code == 200
    status, error = state(shared)
    assert status == Message.State.UNDELIVERED
    assert error.startswith("Mailjet : ")
    assert state(first) == (Message.State.SENT, "")
    assert state(opened) == (Message.State.SENT, "")


@pytest.mark.parametrize(
    ("stored", "matched"),
    [
        ("700", False),
        ("17001", False),
        ("70011", False),
        ("17001,2", False),
        ("1,70011", False),
        ("7001", True),
        ("7001,8", True),
        ("1,7001", True),
        ("1,7001,8", True),
    ],
)
def test_only_the_exact_provider_id_matches(client, case, stored, matched):
    message = outgoing(case, stored)
    post(client, "mailjet", mailjet_event("bounce", 7001, hard_bounce=True, error="user unknown"))
    assert (state(message)[0] == Message.State.UNDELIVERED) is matched


def test_a_brevo_hard_bounce_marks_the_email_undelivered(client, case):
    bounced = outgoing(case, "<202403121102.1@smtp-relay.mailin.fr>", provider="brevo")
    delivered = outgoing(case, "<202403121102.2@smtp-relay.mailin.fr>", provider="brevo")
    event = brevo_event("hard_bounce", "<202403121102.1@smtp-relay.mailin.fr>", reason="550 Mailbox does not exist")
    assert post(client, "brevo", event).status_code == 200
    assert post(client, "brevo", brevo_event("delivered", "<202403121102.2@smtp-relay.mailin.fr>")).status_code == 200
    assert state(bounced) == (Message.State.UNDELIVERED, "Brevo : 550 Mailbox does not exist")
    assert state(delivered) == (Message.State.SENT, "")


def test_failed_and_inbound_messages_are_left_alone(client, case):
    failed = outgoing(case, "7001", status=Message.State.FAILED)
    failed.error = "mailjet : erreur interne"
    failed.save()
    inbound = MessageFactory(cases=[case], provider_message_id="7001")
    post(client, "mailjet", mailjet_event("bounce", 7001, hard_bounce=True, error="user unknown"))
    assert state(failed) == (Message.State.FAILED, "mailjet : erreur interne")
    assert state(inbound) == (Message.State.RECEIVED, "")


def test_events_without_a_message_id_change_nothing(client, case):
    message = outgoing(case, "")
    event = mailjet_event("bounce", 0, hard_bounce=True, error="user unknown")
    del event["MessageID"]
    assert post(client, "mailjet", event).status_code == 200
    assert state(message) == (Message.State.SENT, "")


@pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailInsecureWebhookWarning")  # the point of the test
def test_the_tracking_doors_need_the_secret(client, case, mail_settings):
    message = outgoing(case, "7001")
    bounce = mailjet_event("bounce", 7001, hard_bounce=True, error="user unknown")
    assert post(client, "mailjet", bounce, auth="").status_code == 401
    assert post(client, "brevo", brevo_event("hard_bounce", "7001"), auth=basic_auth("intrus:faux")).status_code == 401
    mail_settings.ANYMAIL = {**mail_settings.ANYMAIL, "WEBHOOK_SECRET": ""}
    assert post(client, "mailjet", bounce).status_code == 403
    assert state(message) == (Message.State.SENT, "")


@pytest.mark.parametrize(
    ("door", "event"),
    [
        ("mailjet", mailjet_event("bounce", 7001, hard_bounce=False, error="mailbox full")),
        ("brevo", brevo_event("soft_bounce", "7001", reason="452 Mailbox full")),
    ],
)
def test_a_soft_bounce_leaves_the_email_sent_while_the_provider_retries(client, case, door, event):
    message = outgoing(case, "7001", provider=door)
    assert post(client, door, event).status_code == 200
    assert state(message) == (Message.State.SENT, "")


@pytest.mark.parametrize("door", ["mailjet", "brevo"])
@pytest.mark.parametrize(
    "body",
    [
        b"{bad",
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b'{"a": 1}',
        b'{"event": 3}',
        b'[{"event": "bounce"}, "pas un objet"]',
        b'{"items": []}',  # Brevo's inbound payload posted to the tracking door
        b"null",
    ],
)
def test_a_malformed_report_gets_400_and_changes_nothing(client, case, door, body):
    """With valid credentials, a body that is not a delivery report answered 500 (the provider retries forever)."""
    message = outgoing(case, "7001", provider=door)
    response = client.post(
        reverse(f"mail:{door}_tracking"), data=body, content_type="application/json", HTTP_AUTHORIZATION=basic_auth()
    )
    assert response.status_code == 400
    assert state(message) == (Message.State.SENT, "")
