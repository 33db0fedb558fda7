"""A citizen asks for mediation on the platform as deployed: every page designed, nothing refused, a case number."""

import re

from cases.models import Attachment, Case
from tests.production.watch import assert_public_page_styled
from tests.workspace_factories import PDF_BYTES


def test_a_citizen_sends_a_request_with_a_document(page, authority, tmp_path):
    page.goto("/")
    assert_public_page_styled(page)

    page.get_by_role("link", name=re.compile(authority.name)).first.click()
    page.wait_for_url("**/demo/")
    assert_public_page_styled(page)

    page.get_by_role("link", name=re.compile("Faire une demande", re.IGNORECASE)).first.click()
    page.wait_for_url("**/demo/faire-une-demande/")
    assert_public_page_styled(page)

    page.fill("#id_first_name", "Camille")
    page.fill("#id_last_name", "Martin")
    page.fill("#id_email", "camille.martin@exemple.fr")
    page.fill("#id_description", "Ma demande de place en crèche est sans réponse depuis six mois.")
    courrier = tmp_path / "courrier.pdf"
    courrier.write_bytes(PDF_BYTES)
    page.set_input_files("#id_documents", str(courrier))
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url("**/merci/")
    assert_public_page_styled(page)

    case = Case.objects.get()
    assert page.get_by_text(f"Dossier n°{case.number}").first.is_visible()
    assert (case.authority, case.citizen.full_name) == (authority, "Camille Martin")
    assert Attachment.objects.get(case=case).name == "courrier.pdf"
