"""Per-case reply addresses, and the Mailjet parse routes that serve them when Mailjet receives the mail."""

import json
from urllib.parse import unquote, urlsplit

import pytest

from cases.mail import routes
from cases.models import Case, reply_signature
from tests.factories import CaseFactory

PARSEROUTE = "https://api.mailjet.com/v3/REST/parseroute"


def test_the_reply_address_names_the_case_and_is_signed(mail_settings):
    case = CaseFactory()
    assert case.reply_address == f"dossier-{case.number}-{reply_signature(case.number)}@reponses.mediature.test"
    assert len(reply_signature(case.number)) == 12


def test_the_signature_depends_on_the_secret_and_the_number(settings):
    first = reply_signature(41)
    assert reply_signature(42) != first
    settings.REPLY_ADDRESS_SECRET = "un-autre-secret"
    assert reply_signature(41) != first


@pytest.fixture
def mailjet_inbound(mail_settings, provider_api):
    mail_settings.INBOUND_PROVIDER = "mailjet"
    mail_settings.SITE_URL = "https://mediature.example.fr"
    mail_settings.ANYMAIL = {**mail_settings.ANYMAIL, "MAILJET_API_KEY": "cle", "MAILJET_SECRET_KEY": "secret"}
    return provider_api


def test_creating_a_case_creates_its_mailjet_route(mailjet_inbound, django_capture_on_commit_callbacks):
    mailjet_inbound.add("GET", PARSEROUTE, json={"Count": 0, "Data": [], "Total": 0})
    mailjet_inbound.add("POST", PARSEROUTE, json={"Count": 1, "Data": [{"ID": 9}]}, status=201)
    with django_capture_on_commit_callbacks(execute=True):
        case = CaseFactory()
    [lookup, creation] = mailjet_inbound.calls
    assert creation.request.method == "POST"
    assert json.loads(creation.request.body) == {
        "Email": case.reply_address,
        "Url": "https://mediature:secret-de-test-des-webhooks@mediature.example.fr/mail/mailjet/inbound/",
    }
    assert creation.request.headers["Authorization"].startswith("Basic ")


def test_the_route_url_keeps_a_secret_with_reserved_characters_in_its_credentials(mailjet_inbound, settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "mailjet:a@b/c#d?e:f"}
    url = urlsplit(routes.webhook_url())
    assert (url.hostname, url.path) == ("mediature.example.fr", "/mail/mailjet/inbound/")
    assert (unquote(url.username), unquote(url.password)) == ("mailjet", "a@b/c#d?e:f")


def test_an_existing_route_is_not_created_twice(mailjet_inbound, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        case = CaseFactory()
    mailjet_inbound.add("GET", PARSEROUTE, json={"Data": [{"ID": 9, "Email": case.reply_address}]})
    routes.create_route(case.number)
    assert [call.request.method for call in mailjet_inbound.calls] == ["GET"]


def test_deleting_a_case_removes_its_route_and_a_missing_route_is_fine(
    mailjet_inbound, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        case = CaseFactory()
    address = case.reply_address
    mailjet_inbound.add("GET", PARSEROUTE, json={"Data": [{"ID": 9, "Email": address}]})
    mailjet_inbound.add("DELETE", f"{PARSEROUTE}/9", status=204)
    with django_capture_on_commit_callbacks(execute=True):
        Case.objects.filter(pk=case.pk).get().delete()
    assert [call.request.method for call in mailjet_inbound.calls] == ["GET", "DELETE"]

    mailjet_inbound.replace("GET", PARSEROUTE, json={"Data": []})
    routes.delete_route(address)
    assert len(mailjet_inbound.calls) == 3


def test_a_mailjet_error_raises_so_the_task_retries(mailjet_inbound, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        case = CaseFactory()
    mailjet_inbound.add("GET", PARSEROUTE, status=503)
    with pytest.raises(Exception, match="503"):
        routes.create_route(case.number)


def test_with_a_catch_all_no_route_is_created(mail_settings, provider_api, django_capture_on_commit_callbacks):
    mail_settings.INBOUND_PROVIDER = "mta"
    with django_capture_on_commit_callbacks(execute=True):
        CaseFactory().delete()
    assert len(provider_api.calls) == 0
