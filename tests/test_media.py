"""Wagtail's images are served from MEDIA_ROOT with DEBUG off; documents never are (mediature/media.py)."""

from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from authorities.permissions import authority_collection


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png() -> BytesIO:
    data = BytesIO()
    PillowImage.new("RGB", (40, 20), "navy").save(data, "PNG")
    return data


def test_the_logo_on_the_authority_page_is_served_as_an_image(client, authority, media_root):
    authority.logo = get_image_model().objects.create(
        title="Logo", file=ImageFile(png(), name="logo.png"), collection=authority_collection(authority)
    )
    authority.save()
    rendition = authority.logo.get_rendition("max-320x120")
    assert rendition.url in client.get(authority.page.url).content.decode()

    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(authority.logo.file.url).status_code == 200  # the original too


@pytest.mark.parametrize("path", ["documents/{name}", "images/../documents/{name}", "%2e%2e/{name}"])
def test_documents_are_never_served_from_the_media_folder(client, authority, media_root, path):
    document = get_document_model().objects.create(
        title="Note interne",
        file=ContentFile(b"confidentiel", name="note.txt"),
        collection=authority_collection(authority),
    )
    name = document.file.name.removeprefix("documents/")
    assert (media_root / document.file.name).exists()
    response = client.get("/media/" + path.format(name=name))
    assert response.status_code == 404
    assert b"confidentiel" not in response.content
