"""An agent's day in a real browser (issue #3): sign in, dashboard, search a case, assign it, change its
status, add a note, upload and download a document, close it with an outcome."""

import re
from pathlib import Path

import pytest

from cases.choices import Outcome, Status
from cases.models import Attachment, Case, CaseEvent, Citizen, Note
from tests.e2e.browser import draftail, sign_in_to_dashboard, wait_for_draftail_save
from tests.factories import CaseFactory
from tests.workspace_factories import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agents_day(page, axe, authority, agent, tmp_path):
    case = CaseFactory(authority=authority, description="Ma facture d'eau a doublé sans explication.")
    Citizen.objects.filter(pk=case.pk).update(first_name="Capucine", last_name="Delaunay", email="cd@exemple.fr")
    Case.objects.get(pk=case.pk).save()  # refresh the search index with the citizen's name
    CaseFactory(authority=authority)  # another case, which the search leaves out

    sign_in_to_dashboard(page, agent)
    assert page.get_by_role("navigation").get_by_text("Dossiers").first.is_visible()

    page.goto(f"/admin/dossiers/?q={case.number}")
    page.get_by_role("link", name=re.compile(rf"^{case.number}$|Delaunay")).first.click()
    page.wait_for_url(re.compile(rf"/admin/dossiers/{case.number}/\?liste=q%3D{case.number}$"))  # the list travels
    assert page.get_by_role("heading", name=re.compile(f"Dossier n°{case.number}")).is_visible()
    assert "Capucine Delaunay" in page.content()
    axe.assert_no_violations(page)

    page.get_by_role("button", name="S'attribuer le dossier").click()
    page.wait_for_selector(f"text=Dossier n°{case.number} vous est assigné.")
    assert Case.objects.get(pk=case.pk).assignee == agent

    page.select_option("#id_status", Status.CONTACT_REQUESTER)
    page.locator(f"form[action$='/{case.number}/informations/'] button").click()
    page.wait_for_selector("text=Informations du dossier enregistrées.")
    assert Case.objects.get(pk=case.pk).status == Status.CONTACT_REQUESTER

    page.locator("#composer-note > summary").click()  # the note composer, in place above the thread
    page.select_option("#id_kind", "phone_call")
    editor = draftail(page, "id_content")
    axe.assert_no_violations(page)
    editor.get_by_role("textbox", name="Contenu").click()
    page.keyboard.type("Appel de Mme Delaunay : elle envoie sa facture.")
    page.keyboard.press("ArrowLeft")
    for _ in "facture":
        page.keyboard.press("Shift+ArrowLeft")
    editor.get_by_role("toolbar").get_by_role("button", name=re.compile("^Gras")).click()  # Draftail's toolbar
    wait_for_draftail_save(page, "id_content", "BOLD")
    page.get_by_role("button", name="Enregistrer la note").click()
    page.wait_for_selector("text=Note ajoutée.")
    note = Note.objects.get(case=case)
    assert note.author == agent
    assert note.content == "<p>Appel de Mme Delaunay : elle envoie sa <b>facture</b>.</p>"
    notes = page.locator("#fil-section")
    assert notes.locator(".case-note-content b", has_text="facture").is_visible()

    notes.get_by_role("link", name=re.compile("^Modifier")).click()
    page.wait_for_url(f"**/admin/dossiers/{case.number}/notes/{note.pk}/modifier/")
    loaded = draftail(page, "id_content").locator(".DraftEditor-root")
    assert loaded.inner_text().strip() == "Appel de Mme Delaunay : elle envoie sa facture."
    assert loaded.locator("[style*='font-weight']", has_text="facture").count() == 1, "the bold, loaded in Draftail"
    page.get_by_role("link", name="Annuler").click()

    page.locator("#composer-documents > summary").click()
    invoice = tmp_path / "facture.pdf"
    invoice.write_bytes(PDF_BYTES)
    page.set_input_files("#id_files", str(invoice))
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.wait_for_selector("text=Document ajouté.")
    assert Attachment.objects.get(case=case).name == "facture.pdf"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="facture.pdf", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "facture.pdf"
    assert Path(download.path()).read_bytes() == PDF_BYTES

    page.get_by_role("link", name="Clôturer le dossier").click()
    page.wait_for_url(f"**/admin/dossiers/{case.number}/cloturer/")
    page.wait_for_selector("text=Le requérant sera notifié par courriel")
    page.select_option("#id_outcome", Outcome.FAVORABLE_TO_CITIZEN)
    page.get_by_role("button", name="Oui, clôturer le dossier").click()
    page.wait_for_selector(f"text=Dossier n°{case.number} est clôturé.")
    closed = Case.objects.get(pk=case.pk)
    assert (closed.status, closed.outcome) == (Status.CLOSED, Outcome.FAVORABLE_TO_CITIZEN)
    assert closed.closed_at is not None
    assert "Rouvrir le dossier" in page.content()
    kinds = list(case.events.order_by("pk").values_list("kind", flat=True))
    assert kinds == [
        CaseEvent.Kind.ASSIGNED,
        CaseEvent.Kind.STATUS_CHANGED,
        CaseEvent.Kind.NOTE_ADDED,
        CaseEvent.Kind.DOCUMENTS_ADDED,
        CaseEvent.Kind.CLOSED,
    ]
    axe.assert_no_violations(page)
    # Wagtail's default avatars come from gravatar.com, which the admin's CSP blocks (settings, not this page).
    assert [error for error in page.console_errors if "gravatar.com" not in error] == []
