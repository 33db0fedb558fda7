"""A note typed on one device opens on another (issue 11, item 8): the composer's draft reaches the server."""

import pytest

from cases.drafts.models import Draft
from tests.e2e.browser import draftail, sign_in_to_dashboard
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_note_typed_on_one_device_opens_on_another(page, browser, live_server, axe, authority, agent):
    case = CaseFactory(authority=authority)
    sign_in_to_dashboard(page, agent)
    page.goto(f"/admin/dossiers/{case.number}/")
    page.keyboard.press("n")
    draftail(page, "id_content")
    page.wait_for_function("() => document.activeElement.isContentEditable")
    page.keyboard.type("Rappeler la mairie lundi.")
    page.wait_for_function("() => document.getElementById('id_content').value.includes('lundi')")
    page.wait_for_timeout(2500)  # the composer sends its draft every two seconds when it changed
    assert "Rappeler la mairie lundi." in Draft.objects.get(user=agent, case=case, kind="note").fields["content"]
    page.context.close()

    other = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    sign_in_to_dashboard(other, agent)
    other.goto(f"/admin/dossiers/{case.number}/")
    other.locator("#composer-note > summary").click()
    assert "Rappeler la mairie lundi." in draftail(other, "id_content").inner_text()
    axe.assert_no_violations(other)
    other.context.close()
