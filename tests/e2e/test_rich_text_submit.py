"""Rich text sent at once (issue 9, defect 11): Draftail writes its hidden input 250 ms after the last change,
so a note typed and saved straight away was refused as empty; static/js/draftail-save.js writes it on submit."""

import pytest

from cases.models import Note
from tests.e2e.browser import draftail, sign_in_to_dashboard
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def type_and_save_at_once(page, text: str) -> None:
    textbox = draftail(page, "id_content").get_by_role("textbox", name="Contenu")
    textbox.click()
    textbox.press("Control+End")
    page.keyboard.type(text)
    page.get_by_role("button", name="Enregistrer la note").click()  # no wait: well within Draftail's 250 ms


def test_a_note_typed_and_saved_at_once_keeps_its_text(page, authority, agent):
    case = CaseFactory(authority=authority)
    sign_in_to_dashboard(page, agent)

    page.goto(f"/admin/dossiers/{case.number}/notes/ajouter/")
    type_and_save_at_once(page, "Rappeler Mme Martin lundi.")
    page.wait_for_selector("text=Note ajoutée.")
    note = Note.objects.get(case=case)
    assert note.content == "<p>Rappeler Mme Martin lundi.</p>"

    page.goto(f"/admin/dossiers/{case.number}/notes/{note.pk}/modifier/")
    type_and_save_at_once(page, " Fait.")
    page.wait_for_selector("text=Note modifiée.")
    note.refresh_from_db()
    assert note.content == "<p>Rappeler Mme Martin lundi. Fait.</p>"
