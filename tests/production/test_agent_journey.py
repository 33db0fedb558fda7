"""An agent works a case on the platform as deployed: sign-in over Secure cookies, the admin designed, a note saved."""

import re

from cases.models import Note
from tests.e2e.browser import draftail, sign_in_to_dashboard, wait_for_draftail_save
from tests.factories import CaseFactory
from tests.production.watch import assert_admin_page_styled


def test_an_agent_opens_a_case_and_adds_a_note(page, authority, agent):
    case = CaseFactory(authority=authority, description="Ma facture d'eau a doublé sans explication.")

    sign_in_to_dashboard(page, agent)
    assert_admin_page_styled(page)
    assert {cookie["name"]: cookie["secure"] for cookie in page.context.cookies()} == {
        "csrftoken": True,
        "sessionid": True,
    }

    page.goto("/admin/dossiers/")
    assert_admin_page_styled(page)
    page.get_by_role("link", name=case.label, exact=True).click()
    page.wait_for_url(f"**/admin/dossiers/{case.number}/")
    assert_admin_page_styled(page)
    assert page.get_by_role("heading", name=re.compile(f"Dossier n°{case.number}")).is_visible()

    page.locator("#composer-note > summary").click()  # the note composer, in place above the thread
    draftail(page, "id_content").get_by_role("textbox", name="Contenu").click()
    page.keyboard.type("Appel du requérant : il envoie sa facture.")
    wait_for_draftail_save(page, "id_content", "facture")
    page.get_by_role("button", name="Enregistrer la note").click()
    page.wait_for_selector("text=Note ajoutée.")
    assert_admin_page_styled(page)
    assert Note.objects.get(case=case).content == "<p>Appel du requérant : il envoie sa facture.</p>"
