"""The doors themselves: authentication, malformed payloads, size limit, receive_email exit codes, start-up check."""

import io
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import InboundEmail
from tests.factories import CaseFactory
from tests.mailbox import basic_auth, load_eml, mailjet_payload, pipe, post_webhook

DOORS = ("mailjet", "brevo")


@pytest.fixture
def case(mail_settings):
    mail_settings.ANYMAIL = {**mail_settings.ANYMAIL, "BREVO_API_KEY": "cle-brevo-de-test"}
    return CaseFactory()


def a_valid_payload(case) -> dict:
    return mailjet_payload(load_eml("several_cases.eml", [case, CaseFactory()]))


def payload_for(door: str, case) -> dict:
    payload = a_valid_payload(case)
    if door == "brevo":
        return {"items": [{"Headers": payload["Headers"], "RawHtmlBody": payload["Html-part"], "Attachments": []}]}
    return payload


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(
    ("auth", "status"),
    [(None, 401), ("", 401), (basic_auth("mediature:mauvais-mot-de-passe"), 401), ("Bearer abc", 401)],
)
def test_missing_or_wrong_credentials_get_401_and_store_nothing(client, case, door, auth, status):
    headers = {} if auth is None else {"HTTP_AUTHORIZATION": auth}
    response = client.post(
        f"/mail/{door}/inbound/", data=payload_for(door, case), content_type="application/json", **headers
    )
    assert response.status_code == status
    assert response["WWW-Authenticate"].startswith("Basic")
    assert not InboundEmail.objects.exists()


@pytest.mark.parametrize("door", DOORS)
def test_without_a_configured_secret_the_door_is_closed(client, case, door, mail_settings):
    mail_settings.ANYMAIL = {**mail_settings.ANYMAIL, "WEBHOOK_SECRET": ""}
    response = post_webhook(client, door, payload_for(door, case), auth=basic_auth(":"))
    assert response.status_code == 403
    assert not InboundEmail.objects.exists()


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(
    "body",
    [
        b"pas du json",
        b"{bad",
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b"null",
        b'"texte"',
        b'{"a": 1}',
        b'{"items": "pas une liste"}',
        b'{"items": [1]}',
        b'{"items": [{}]}',
        b'{"Parts": [{"ContentRef": 3}]}',
    ],
)
def test_a_malformed_payload_gets_400_and_stores_nothing(client, case, door, body):
    if door == "mailjet" and body == b'{"items": "pas une liste"}':
        body = b'{"Headers": "pas un dictionnaire"}'
    response = post_webhook(client, door, body)
    assert response.status_code == 400
    assert not InboundEmail.objects.exists()


@pytest.mark.parametrize("door", DOORS)
def test_an_email_over_the_size_limit_is_refused_with_413(client, case, door, mail_settings):
    mail_settings.INBOUND_MAX_BYTES = 500
    payload = payload_for(door, case)
    response = post_webhook(client, door, payload)
    assert response.status_code == 413
    assert not InboundEmail.objects.exists()


def test_a_webhook_stores_the_raw_email_before_answering(client, case, django_capture_on_commit_callbacks):
    payload = a_valid_payload(case)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_webhook(client, "mailjet", payload)
    assert response.status_code == 200
    [stored] = InboundEmail.objects.all()
    assert stored.state == InboundEmail.State.RECEIVED
    assert case.reply_address.encode() in bytes(stored.raw)
    assert len(callbacks) == 1  # processing is queued only once the raw email is committed


def test_receive_email_stores_one_message_with_its_envelope(case, django_capture_on_commit_callbacks):
    raw = load_eml("several_cases.eml", [case, CaseFactory()])
    with django_capture_on_commit_callbacks(execute=True):
        pipe(raw, "--sender", "urbanisme@mairie-exemple.fr", "--recipient", case.reply_address)
    [stored] = InboundEmail.objects.all()
    assert stored.door == InboundEmail.Door.MTA
    assert bytes(stored.raw) == raw
    assert (stored.envelope_sender, stored.envelope_recipient) == ("urbanisme@mairie-exemple.fr", case.reply_address)
    assert stored.state == InboundEmail.State.THREADED


def test_receive_email_refuses_an_email_over_the_limit_with_a_bounce_status(case, mail_settings):
    mail_settings.INBOUND_MAX_BYTES = 1000
    with pytest.raises(CommandError) as refused:
        pipe(b"Subject: gros\r\n\r\n" + b"x" * 5000)
    assert refused.value.returncode == 65
    assert "trop volumineux" in str(refused.value)
    assert not InboundEmail.objects.exists()


def test_receive_email_refuses_an_empty_input(case):
    stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(b"   \r\n"))
    try:
        with pytest.raises(CommandError) as refused:
            call_command("receive_email", stdout=io.StringIO())
    finally:
        sys.stdin = stdin
    assert refused.value.returncode == 65
    assert not InboundEmail.objects.exists()
