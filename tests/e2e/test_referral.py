"""Referral in a real browser (issue 16): an agent of the town refers a case to the département, whose agent
finds it on the dashboard, reads the proposal and accepts it; the citizen's email names the département,
and the town's agent no longer opens the case."""

import re

import pytest

from authorities.models import Role
from cases.models import Case, Message
from tests.conftest import member_of
from tests.e2e.browser import sign_in_to_dashboard
from tests.factories import AuthorityFactory, CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_refers_a_case_and_the_other_authority_accepts_it(page, browser, live_server, axe, authority, agent):
    departement = AuthorityFactory(name="Département du Finistère", slug="finistere")
    receiver = member_of(departement, Role.AGENT)
    case = CaseFactory(authority=authority, citizen__last_name="Kerouac", citizen__email="kerouac@exemple.fr")

    sign_in_to_dashboard(page, agent)
    page.goto(f"/admin/dossiers/{case.number}/")
    page.get_by_role("link", name="Transmettre").click()
    page.wait_for_url(f"**/admin/dossiers/{case.number}/transmettre/")
    axe.assert_no_violations(page)
    page.get_by_role("button", name="Proposer la transmission").click()  # nothing filled: every error named
    page.wait_for_selector("text=Choisissez la collectivité à qui transmettre le dossier.")
    page.select_option("#id_to_authority", label="Département du Finistère")
    page.select_option("#id_reason", "competence")
    page.fill("#id_note", "Route départementale : relève du département.")
    page.get_by_label("Par téléphone").check()
    page.get_by_role("button", name="Proposer la transmission").click()
    page.wait_for_selector("text=Ses médiateurs vont répondre.")
    assert page.get_by_text("Voir ou retirer la proposition").is_visible()

    other = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    other.set_default_timeout(15_000)
    sign_in_to_dashboard(other, receiver)
    panel = other.locator("#transmissions-a-examiner-section")
    panel.get_by_role("link", name=f"Dossier n°{case.number}").click()
    other.wait_for_url(re.compile(r"/admin/dossiers/transmissions/\d+/$"))
    assert "Route départementale : relève du département." in other.content()
    assert "Kerouac" not in other.content()
    axe.assert_no_violations(other)
    other.get_by_role("button", name="Accepter le dossier").click()
    other.wait_for_url(f"**/admin/dossiers/{case.number}/")
    other.wait_for_selector("text=il est à traiter par votre collectivité")
    assert "Kerouac" in other.content()
    other.context.close()

    assert Case.objects.get(pk=case.pk).authority == departement
    email = Message.objects.get(template="case_referred")
    assert email.to == ["kerouac@exemple.fr"] and "Département du Finistère" in email.subject

    page.goto("/admin/dossiers/transmissions/")
    assert page.get_by_text(f"Dossier n°{case.number}").is_visible()
    assert "Acceptée le" in page.content() and "Kerouac" not in page.content()
    axe.assert_no_violations(page)
    response = page.goto(f"/admin/dossiers/{case.number}/")
    assert response.status == 404
