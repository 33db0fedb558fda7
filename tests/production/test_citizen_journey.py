"""A citizen asks for mediation on the platform as deployed: every page designed, nothing refused, a case number."""

import re
from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from authorities.permissions import authority_collection
from cases.models import Attachment, Case
from tests.production.watch import assert_public_page_styled
from tests.workspace_factories import PDF_BYTES


def give_a_logo(authority, settings, media_root: str) -> None:
    """An uploaded logo, in the MEDIA_ROOT gunicorn reads: its renditions are made and served there."""
    settings.MEDIA_ROOT = media_root
    data = BytesIO()
    PillowImage.new("RGB", (300, 100), "navy").save(data, "PNG")
    authority.logo = get_image_model().objects.create(
        title="Logo", file=ImageFile(data, name="logo.png"), collection=authority_collection(authority)
    )
    authority.save()


def assert_images_shown(page) -> None:
    images = page.locator("img")
    assert images.count() > 0
    for n in range(images.count()):
        assert images.nth(n).evaluate("image => image.complete && image.naturalWidth > 0"), images.nth(n)


def test_a_citizen_sends_a_request_with_a_document(page, authority, tmp_path, settings, production_environment):
    give_a_logo(authority, settings, production_environment["MEDIA_ROOT"])
    page.goto("/")
    assert_public_page_styled(page)
    assert_images_shown(page)

    page.get_by_role("link", name=re.compile(authority.name)).first.click()
    page.wait_for_url("**/demo/")
    assert_public_page_styled(page)
    assert_images_shown(page)

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
