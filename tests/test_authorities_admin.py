"""Authorities in the admin (/admin/collectivites/): list with counts, create, edit, history."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.models import ModelLogEntry

from authorities.models import Authority
from pages.models import AuthorityPage
from tests.factories import CaseFactory

INDEX = "/admin/collectivites/"


def png(size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, "PNG")
    return buffer.getvalue()


def logo(data: bytes, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_list_shows_open_and_closed_counts_and_searches(
    client, platform_admin, authority, other_authority, agent, main_agent
):
    CaseFactory.create_batch(2, authority=authority)
    closed = CaseFactory(authority=authority)
    type(closed).objects.filter(pk=closed.pk).update(closed_at="2026-01-02T10:00:00Z", outcome="agreement")
    client.force_login(platform_admin)
    response = client.get(INDEX)
    assert response.status_code == 200
    rows = {a.slug: a for a in response.context["object_list"]}
    assert (rows["demo"].open_cases, rows["demo"].closed_cases, rows["demo"].members) == (2, 1, 2)
    assert (rows["autre"].open_cases, rows["autre"].closed_cases, rows["autre"].members) == (0, 0, 0)
    assert "Dossiers ouverts" in response.content.decode()
    found = client.get(INDEX, {"q": "Autre"}).context["object_list"]
    assert [a.slug for a in found] == ["autre"]


def test_create_an_authority_with_its_logo(client, platform_admin):
    client.force_login(platform_admin)
    form = client.get(f"{INDEX}new/").content.decode()
    assert "ne pourra plus jamais être modifié" in form
    response = client.post(
        f"{INDEX}new/",
        {"name": "Ville de Brest", "slug": "brest", "type": Authority.Type.CITY, "logo_file": logo(png())},
    )
    assert response.status_code == 302, response.context["form"].errors
    authority = Authority.objects.get(slug="brest")
    assert authority.logo.collection == authority.collection
    assert AuthorityPage.objects.get(authority=authority).slug == "brest"
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(authority.pk)).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not an image", "PNG, JPEG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "PNG, JPEG"),
        (png() + b"\0" * (750 * 1024), "750 Kio"),
    ],
)
def test_logo_is_checked_by_its_bytes_and_size(client, platform_admin, data, message):
    client.force_login(platform_admin)
    response = client.post(
        f"{INDEX}new/", {"name": "Ville de Brest", "slug": "brest", "type": "city", "logo_file": logo(data)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Authority.objects.filter(slug="brest").exists()


def test_slug_is_validated(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(f"{INDEX}new/", {"name": "Ville de Brest", "slug": "Brest !", "type": "city"})
    assert response.status_code == 200
    assert not Authority.objects.filter(name="Ville de Brest").exists()


def test_main_agent_edits_name_type_and_logo_but_never_the_slug(client, authority, main_agent):
    client.force_login(main_agent)
    url = f"{INDEX}edit/{authority.pk}/"
    response = client.post(
        url,
        {"name": "Ville de Démo-sur-Mer", "slug": "pirate", "type": "federation_of_cities", "logo_file": logo(png())},
    )
    assert response.status_code == 302
    authority.refresh_from_db()
    assert (authority.name, authority.slug, authority.type) == ("Ville de Démo-sur-Mer", "demo", "federation_of_cities")
    assert authority.logo is not None
    entry = ModelLogEntry.objects.get(action="wagtail.edit", object_id=str(authority.pk))
    assert entry.user_id == main_agent.pk
    assert client.get(f"{INDEX}history/{authority.pk}/").status_code == 200


def test_main_agent_cannot_edit_another_authority_nor_create(client, main_agent, other_authority):
    client.force_login(main_agent)
    assert client.get(f"{INDEX}edit/{other_authority.pk}/").status_code == 404
    assert client.post(f"{INDEX}edit/{other_authority.pk}/", {"name": "X", "type": "city"}).status_code == 404
    assert client.get(f"{INDEX}new/").status_code in (302, 403)
    assert [a.pk for a in client.get(INDEX).context["object_list"]] != [other_authority.pk]


def test_agents_and_editors_cannot_reach_authorities(client, authority, agent, editor):
    for user in (agent, editor):
        client.force_login(user)
        assert client.get(f"{INDEX}edit/{authority.pk}/").status_code in (302, 403, 404)
        assert client.get(INDEX).status_code in (302, 403)
