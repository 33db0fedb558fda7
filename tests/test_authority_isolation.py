"""Wagtail's admin shows each user their own authority only: inbound emails, files, pages, people (issue 9).

Each test is one surface where Wagtail listed or named another authority's objects to any admin user;
tests/crawler/ walks every URL for the same rule.
"""

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page

from authorities.permissions import PRIVATE_COLLECTION_SUFFIX, authority_collection
from cases.models import InboundEmail
from pages.models import ContentPage
from tests.crawler.world import png
from tests.factories import CaseFactory
from tests.test_case_access_matrix import sign_in
from tests.workspace_factories import MessageFactory, fast_passwords  # noqa: F401


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def inbound_email(**fields) -> InboundEmail:
    return InboundEmail.objects.create(door=InboundEmail.Door.MTA, raw=b"x", size=1, **fields)


def private_collection_of(authority):
    return Collection.objects.get(name=authority.name + PRIVATE_COLLECTION_SUFFIX)


def document(collection, title: str):
    return get_document_model().objects.create(
        title=title, file=ContentFile(b"contenu", name="note.txt"), collection=collection
    )


def draft_page(authority, title: str) -> Page:
    return authority.page.add_child(instance=ContentPage(title=title, live=False))


# Inbound emails ------------------------------------------------------------------------------------------


def test_the_inbound_email_chooser_does_not_exist(client, editor, agent):
    email = inbound_email(state=InboundEmail.State.KEPT_ASIDE, subject="Objet mis de côté")
    for user in (editor, agent):
        sign_in(client, user)
        for url in (
            "/admin/snippets/choose/cases/inboundemail/",
            f"/admin/snippets/choose/cases/inboundemail/chosen/{email.pk}/",
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            assert "Objet mis de côté" not in response.content.decode()


def test_platform_admins_see_kept_aside_emails_but_not_the_replies_of_cases(client, platform_admin, other_authority):
    message = MessageFactory(cases=[CaseFactory(authority=other_authority)], subject="Réponse du requérant")
    threaded = inbound_email(state=InboundEmail.State.THREADED, subject="Réponse du requérant", message=message)
    kept_aside = inbound_email(state=InboundEmail.State.KEPT_ASIDE, subject="Adresse inconnue")
    sign_in(client, platform_admin)
    listing = client.get("/admin/snippets/cases/inboundemail/").content.decode()
    assert "Adresse inconnue" in listing
    assert "Réponse du requérant" not in listing
    assert client.get(f"/admin/snippets/cases/inboundemail/inspect/{kept_aside.pk}/").status_code == 200
    for view in ("inspect", "history", "usage", "delete"):
        assert client.get(f"/admin/snippets/cases/inboundemail/{view}/{threaded.pk}/").status_code == 404, view


# Documents and images ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("media")
@pytest.mark.parametrize("endpoint", ["documents", "images"])
def test_the_admin_api_lists_the_files_of_the_users_collections_only(
    client, editor, authority, other_authority, endpoint
):
    def create(authority, title):
        if endpoint == "documents":
            return document(authority_collection(authority), title)
        return get_image_model().objects.create(
            title=title, file=ContentFile(png().getvalue(), name="i.png"), collection=authority_collection(authority)
        )

    own, foreign = create(authority, "Fichier de Démo"), create(other_authority, "Fichier d'Autre Ville")
    sign_in(client, editor)
    listing = client.get(f"/admin/api/main/{endpoint}/").json()
    assert [item["id"] for item in listing["items"]] == [own.pk]
    assert client.get(f"/admin/api/main/{endpoint}/{own.pk}/").status_code == 200
    response = client.get(f"/admin/api/main/{endpoint}/{foreign.pk}/")
    assert response.status_code == 404
    assert "Autre Ville" not in response.content.decode()


@pytest.mark.usefixtures("media")
def test_each_authority_has_a_private_collection_for_its_editors_and_platform_admins(
    client, editor, other_agent, platform_admin, authority
):
    """The authority's collection serves the files of its public pages; its « interne » child serves nobody else."""
    public = document(authority_collection(authority), "Charte de la médiation")
    private = document(private_collection_of(authority), "Brouillon de la charte")
    assert client.get(public.url).status_code == 200
    response = client.get(private.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailcore_login"))
    sign_in(client, other_agent)
    assert client.get(private.url).status_code == 302
    for reader in (editor, platform_admin):
        sign_in(client, reader)
        response = client.get(private.url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"contenu"


def test_renaming_the_authority_renames_its_private_collection(authority):
    authority.name = "Ville de Démo-sur-Mer"
    authority.save()
    private = private_collection_of(authority)
    assert private.get_parent() == authority.collection
    assert list(private.get_parent().get_children().values_list("pk", flat=True)) == [private.pk]


# Pages ---------------------------------------------------------------------------------------------------


def test_the_page_chooser_shows_the_users_sections_only(client, editor, authority, other_authority):
    own = draft_page(authority, "Projet de Démo")
    foreign = draft_page(other_authority, "Projet d'Autre Ville")
    sign_in(client, editor)
    found = client.get("/admin/choose-page/search/", {"q": "Projet"}).content.decode()
    assert "Projet de Démo" in found and "Autre Ville" not in found
    assert client.get(f"/admin/choose-page/{authority.page.pk}/").status_code == 200
    for page in (foreign, other_authority.page):
        response = client.get(f"/admin/choose-page/{page.pk}/")
        assert response.status_code == 404
        assert "Projet d&#x27;Autre Ville" not in response.content.decode()
    chosen = client.get("/admin/choose-page/chosen-multiple/", {"id": [own.pk, foreign.pk]}).content.decode()
    assert [result["id"] for result in json.loads(chosen)["result"]] == [own.pk]


def test_page_listing_filters_name_the_editors_of_the_users_sections_only(client, editor, other_authority):
    from tests.conftest import member_of

    other_editor = member_of(other_authority, "editor")
    other_editor.last_name = "Rédacteurdautreville"
    other_editor.save()
    draft_page(other_authority, "Projet").save_revision(user=other_editor, log_action=True)
    sign_in(client, editor)
    for url in ("/admin/pages/", f"/admin/pages/{editor.memberships.get().authority.page.pk}/", "/admin/pages/search/"):
        assert "Rédacteurdautreville" not in client.get(url).content.decode(), url


def test_moving_a_page_of_another_section_is_refused_before_anything_is_shown(client, editor, other_authority):
    page = draft_page(other_authority, "Projet d'Autre Ville")
    sign_in(client, editor)
    response = client.get(f"/admin/pages/{page.pk}/move/{other_authority.page.pk}/confirm/")
    assert response.status_code in (302, 403)
    assert "Autre Ville" not in response.content.decode()


def test_workflow_views_of_another_sections_page_name_nothing(client, editor, other_authority):
    page = draft_page(other_authority, "Projet d'Autre Ville")
    sign_in(client, editor)
    assert client.get(f"/admin/pages/workflow/preview/{page.pk}/1/").status_code == 404
    assert "Projet" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("action", ["delete", "move", "publish"])
def test_bulk_actions_do_not_list_another_sections_pages(client, editor, other_authority, action):
    page = draft_page(other_authority, "Projet d'Autre Ville")
    sign_in(client, editor)
    response = client.get(f"/admin/bulk/wagtailcore/page/{action}/", {"id": page.pk})
    assert "Projet d&#x27;Autre Ville" not in response.content.decode()


@pytest.mark.parametrize("report", ["page-types-usage", "site-history"])
def test_platform_reports_are_for_platform_admins_only(client, editor, platform_admin, other_authority, report):
    draft_page(other_authority, "Projet d'Autre Ville")
    sign_in(client, editor)
    response = client.get(f"/admin/reports/{report}/")
    assert response.status_code in (302, 403)
    assert "Autre Ville" not in response.content.decode()
    assert f"/admin/reports/{report}/" not in client.get("/admin/").content.decode()
    sign_in(client, platform_admin)
    assert client.get(f"/admin/reports/{report}/").status_code == 200
