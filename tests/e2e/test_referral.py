"""Referral in a real browser (issue 16): an agent of the town refers a case to the département, whose agent
finds it on the dashboard, reads the proposal and accepts it; the citizen's email names the département,
and the town's agent no longer opens the case."""

import pytest

from authorities.models import Role
from cases.models import Case, Message
from tests.conftest import member_of
from tests.e2e.browser import accept_referral, propose_referral, sign_in_to_dashboard
from tests.factories import AuthorityFactory, CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_refers_a_case_and_the_other_authority_accepts_it(page, browser, live_server, axe, authority, agent):
    departement = AuthorityFactory(name="Département du Finistère", slug="finistere")
    receiver = member_of(departement, Role.AGENT)
    case = CaseFactory(authority=authority, citizen__last_name="Kerouac", citizen__email="kerouac@exemple.fr")

    sign_in_to_dashboard(page, agent)
    propose_referral(page, case.number, departement.name, check=axe.assert_no_violations)
    assert page.get_by_text("Voir ou retirer la proposition").is_visible()

    other = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    other.set_default_timeout(15_000)
    sign_in_to_dashboard(other, receiver)
    proposal = accept_referral(other, case.number, check=axe.assert_no_violations)
    assert "Route départementale : relève du département." in proposal and "Kerouac" not in proposal
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
