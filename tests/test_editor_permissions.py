"""Editors work on their authority's pages, images and documents only, and never see a case."""

import pytest
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page
from wagtail.permissions import policy_registry

from authorities.models import User
from tests.factories import CaseFactory


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def support_page(authority) -> Page:
    return authority.page.get_children().get(slug="aide").specific


def test_editor_edits_and_publishes_a_page_of_their_authority(client, editor, authority):
    page = support_page(authority)
    client.force_login(editor)
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    permissions = page.permissions_for_user(fresh(editor))
    assert permissions.can_edit() and permissions.can_publish()


@pytest.mark.parametrize("action", ["edit", "move", "delete", "unpublish", "copy"])
def test_editor_of_a_cannot_touch_a_page_of_b(client, editor, other_authority, action):
    page = support_page(other_authority)
    client.force_login(editor)
    response = client.get(f"/admin/pages/{page.pk}/{action}/")
    assert response.status_code in (302, 403, 404)
    assert "Aide et contact" not in response.content.decode() or response.status_code != 200


def test_editor_of_a_cannot_publish_a_page_of_b(client, editor, other_authority):
    page = support_page(other_authority)
    client.force_login(editor)
    client.post(f"/admin/pages/{page.pk}/edit/", {"title": "Piraté", "slug": "aide", "action-publish": "publish"})
    page.refresh_from_db()
    assert page.title == "Aide et contact"
    permissions = page.permissions_for_user(fresh(editor))
    assert not any(
        [
            permissions.can_edit(),
            permissions.can_publish(),
            permissions.can_move(),
            permissions.can_delete(),
            permissions.can_unpublish(),
        ]
    )


def test_editor_cannot_delete_their_section_nor_move_it_anywhere(editor, authority, other_authority):
    permissions = authority.page.permissions_for_user(fresh(editor))
    assert not permissions.can_delete()
    for destination in (authority.page.get_parent(), other_authority.page, support_page(other_authority)):
        assert not permissions.can_move_to(destination)
    own_page = support_page(authority).permissions_for_user(fresh(editor))
    assert not own_page.can_move_to(other_authority.page)


def test_editor_has_their_authority_collection_only(editor, authority, other_authority):
    editor = fresh(editor)
    for model in (get_image_model(), get_document_model()):
        policy = policy_registry.get_by_type(model)
        collections = set(policy.collections_user_has_permission_for(editor, "add"))
        private = Collection.objects.get(name=f"{authority.name} — interne")
        assert collections == {authority.collection, private}
        assert other_authority.collection not in set(policy.collections_user_has_permission_for(editor, "choose"))
        assert Collection.get_first_root_node() not in collections


def test_editor_sees_no_case(client, editor, authority):
    case = CaseFactory(authority=authority)
    client.force_login(editor)
    response = client.get("/admin/dossiers/")
    assert response.status_code in (403, 404)
    assert str(case.citizen.last_name) not in response.content.decode()
    assert client.get(f"/admin/dossiers/{case.number}/").status_code in (403, 404)


def test_editor_cannot_reach_team_or_authority_admin(client, editor, authority):
    client.force_login(editor)
    assert client.get(f"/admin/equipe/{authority.pk}/").status_code == 404
    assert client.get(f"/admin/collectivites/edit/{authority.pk}/").status_code in (302, 403, 404)
