"""The citizen's consent to a referral asked on their case page (issue 16, through issue 15's page)."""

from html import unescape

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.citizen import keys
from cases.citizen.consent import AWAITING
from cases.models import CaseEvent
from cases.referral import service
from cases.referral.models import Referral, State
from tests.factories import CaseFactory
from tests.test_case_access_matrix import sign_in
from tests.workspace_factories import fast_passwords  # noqa: F401

CASE_PAGE = "/suivi/dossier/"
ANSWER = "/suivi/dossier/transmission/"


@pytest.fixture
def case(authority):
    return CaseFactory(authority=authority, citizen__email="camille@exemple.fr")


@pytest.fixture
def proposal(case, agent, other_agent, other_authority, mail_settings, committed) -> Referral:
    with committed():
        return service.propose(agent, case, other_authority, reason="territory", note="Voirie", consent="page")


def enter(client, case) -> None:
    client.get(reverse("citizen:exchange", args=[keys.issue_link(case, "camille@exemple.fr")]))


def test_the_citizen_is_asked_and_the_authority_waits_for_a_yes(client, case, proposal, other_agent):
    [asked] = [email for email in mail.outbox if email.to == ["camille@exemple.fr"]]
    assert asked.subject == f"Dossier n°{case.number} — Votre accord est demandé pour transmettre votre dossier"
    assert "/suivi/acces/" in asked.body
    with pytest.raises(ValidationError, match="pas encore accepté"):
        service.accept(other_agent, proposal)
    enter(client, case)
    body = client.get(CASE_PAGE).content.decode()
    assert "Acceptez-vous cette transmission ?" in body and "Autre Ville" in body
    assert client.post(ANSWER, {"accord": "oui"}).status_code == 302
    assert "Acceptez-vous cette transmission ?" not in client.get(CASE_PAGE).content.decode()
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CITIZEN_REFERRAL_ANSWER).count() == 1
    service.accept(other_agent, proposal)
    case.refresh_from_db()
    assert case.authority == proposal.to_authority


def test_a_no_withdraws_the_proposal(client, case, proposal, other_agent):
    enter(client, case)
    client.post(ANSWER, {"accord": "non"})
    proposal.refresh_from_db()
    assert proposal.status == State.WITHDRAWN
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.REFERRAL_WITHDRAWN).exists()
    assert client.post(ANSWER, {"accord": "oui"}).status_code == 302  # nothing left to answer
    proposal.refresh_from_db()
    assert proposal.status == State.WITHDRAWN


def test_the_proposal_page_says_where_the_consent_stands(client, case, proposal, other_agent):
    sign_in(client, other_agent)
    page = reverse("referral_detail", args=[proposal.pk])
    assert "en attente de sa réponse" in client.get(page).content.decode()
    response = client.post(reverse("referral_accept", args=[proposal.pk]), follow=True)
    assert AWAITING in unescape(response.content.decode())
    assert Referral.objects.get(pk=proposal.pk).status == State.PROPOSED


@pytest.mark.parametrize("actor", [None, "agent", "other_agent", "editor", "platform_admin"])
def test_only_the_citizen_answers(client, request, case, proposal, actor):
    enter(client, case)
    if actor:
        sign_in(client, request.getfixturevalue(actor))
    else:
        client.cookies.clear()
    assert client.post(ANSWER, {"accord": "oui"}).status_code == 404
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.CITIZEN_REFERRAL_ANSWER).exists()


def test_other_consents_ask_nothing_on_the_page(client, case, agent, other_agent, other_authority, mail_settings):
    service.propose(agent, case, other_authority, reason="territory", note="Voirie", consent="phone")
    enter(client, case)
    assert "Acceptez-vous cette transmission ?" not in client.get(CASE_PAGE).content.decode()
