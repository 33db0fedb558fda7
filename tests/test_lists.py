"""Domains and competent third parties, two levels (issue #3, item 8)."""

import pytest
from django.urls import reverse

from authorities.models import Role
from cases.models import CompetentThirdParty, Domain
from tests.conftest import member_of
from tests.factories import CaseFactory, MembershipFactory

DOMAINS = "/admin/listes/domaines/"
THIRD_PARTIES = "/admin/listes/tiers-competents/"


@pytest.fixture
def platform_item(db):
    return Domain.objects.create(name="Test — plateforme")


@pytest.fixture
def own_item(authority):
    return Domain.objects.create(name="Test — Démo", authority=authority)


@pytest.fixture
def foreign_item(other_authority):
    return Domain.objects.create(name="Test — autre ville", authority=other_authority)


def edit_url(item, base=DOMAINS):
    return f"{base}edit/{item.pk}/"


def delete_url(item, base=DOMAINS):
    return f"{base}delete/{item.pk}/"


def test_urls_are_under_listes():
    assert reverse("listes_domaines_modeladmin_index") == DOMAINS
    assert reverse("listes_tiers-competents_modeladmin_index") == THIRD_PARTIES


# --- Platform admins --------------------------------------------------------------------------------


def test_platform_admin_creates_a_platform_item(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(f"{DOMAINS}create/", {"name": "Test — nouveau", "parent": "", "authority": ""})
    assert response.status_code == 302
    item = Domain.objects.get(name="Test — nouveau")
    assert item.authority is None and item.parent is None


def test_platform_admin_creates_a_platform_child(client, platform_admin, platform_item):
    client.force_login(platform_admin)
    client.post(f"{DOMAINS}create/", {"name": "Test — enfant", "parent": platform_item.pk, "authority": ""})
    assert Domain.objects.get(name="Test — enfant").parent == platform_item


def test_platform_admin_edits_a_platform_item(client, platform_admin, platform_item):
    client.force_login(platform_admin)
    response = client.post(edit_url(platform_item), {"name": "Test — renommé", "parent": ""})
    assert response.status_code == 302
    platform_item.refresh_from_db()
    assert platform_item.name == "Test — renommé"


def test_platform_admin_cannot_edit_an_authority_item(client, platform_admin, own_item):
    client.force_login(platform_admin)
    response = client.post(edit_url(own_item), {"name": "Piraté", "parent": ""})
    assert response.status_code == 302  # Wagtail's permission denied: back to the dashboard
    own_item.refresh_from_db()
    assert own_item.name == "Test — Démo"


# --- Main agents ------------------------------------------------------------------------------------


def test_main_agent_creates_an_item_of_their_authority(client, main_agent, authority, platform_item):
    client.force_login(main_agent)
    response = client.post(f"{DOMAINS}create/", {"name": "Test — ajout", "parent": platform_item.pk})
    assert response.status_code == 302
    item = Domain.objects.get(name="Test — ajout")
    assert item.authority == authority
    assert item.parent == platform_item


def test_main_agent_cannot_create_a_platform_item(client, main_agent, authority):
    client.force_login(main_agent)
    client.post(f"{DOMAINS}create/", {"name": "Test — ajout", "parent": "", "authority": ""})
    assert Domain.objects.get(name="Test — ajout").authority == authority


def test_main_agent_cannot_choose_another_authority_as_owner_or_parent(
    client, main_agent, other_authority, foreign_item
):
    client.force_login(main_agent)
    response = client.post(
        f"{DOMAINS}create/", {"name": "Test — intrus", "parent": foreign_item.pk, "authority": other_authority.pk}
    )
    assert response.status_code == 200
    assert not Domain.objects.filter(name="Test — intrus").exists()


def test_two_levels_at_most(client, main_agent, platform_item):
    child = Domain.objects.create(name="Test — enfant", parent=platform_item)
    client.force_login(main_agent)
    response = client.post(f"{DOMAINS}create/", {"name": "Test — petit-enfant", "parent": child.pk})
    assert response.status_code == 200
    assert not Domain.objects.filter(name="Test — petit-enfant").exists()


def test_an_item_with_children_cannot_become_a_child(client, main_agent, authority, platform_item):
    parent = Domain.objects.create(name="Test — parent", authority=authority)
    Domain.objects.create(name="Test — enfant", authority=authority, parent=parent)
    client.force_login(main_agent)
    response = client.post(edit_url(parent), {"name": "Test — parent", "parent": platform_item.pk})
    assert response.status_code == 200
    assert "a des sous-éléments" in response.content.decode()
    parent.refresh_from_db()
    assert parent.parent is None


def test_duplicate_name_at_the_same_place_is_refused_in_french(client, main_agent, authority):
    Domain.objects.create(name="Test — doublon", authority=authority)
    client.force_login(main_agent)
    response = client.post(f"{DOMAINS}create/", {"name": "Test — doublon", "parent": ""})
    assert response.status_code == 200
    assert "existe déjà" in response.content.decode()


def test_main_agent_edits_own_item_but_not_a_platform_one(client, main_agent, own_item, platform_item):
    client.force_login(main_agent)
    client.post(edit_url(own_item), {"name": "Test — Démo bis", "parent": ""})
    own_item.refresh_from_db()
    assert own_item.name == "Test — Démo bis"
    client.post(edit_url(platform_item), {"name": "Piraté", "parent": ""})
    platform_item.refresh_from_db()
    assert platform_item.name == "Test — plateforme"


def test_main_agent_gets_404_on_another_authority_item(client, main_agent, foreign_item):
    client.force_login(main_agent)
    assert client.get(edit_url(foreign_item)).status_code == 404
    assert client.post(delete_url(foreign_item)).status_code == 404
    assert Domain.objects.filter(pk=foreign_item.pk).exists()


def test_main_agent_of_several_authorities_chooses_the_owner(client, main_agent, other_authority):
    MembershipFactory(user=main_agent, authority=other_authority, role=Role.MAIN_AGENT)
    client.force_login(main_agent)
    client.post(f"{DOMAINS}create/", {"name": "Test — choisi", "parent": "", "authority": other_authority.pk})
    assert Domain.objects.get(name="Test — choisi").authority == other_authority


def test_main_agent_creates_a_child_of_their_own_top_level_item(client, main_agent, own_item):
    client.force_login(main_agent)
    client.post(f"{DOMAINS}create/", {"name": "Test — sous-élément", "parent": own_item.pk})
    assert Domain.objects.get(name="Test — sous-élément").parent == own_item


def test_competent_third_parties_work_the_same(client, main_agent, authority):
    parent = CompetentThirdParty.objects.create(name="Test — médiateur institutionnel")
    client.force_login(main_agent)
    client.post(f"{THIRD_PARTIES}create/", {"name": "Test — médiateur local", "parent": parent.pk})
    item = CompetentThirdParty.objects.get(name="Test — médiateur local")
    assert (item.authority, item.parent) == (authority, parent)


# --- Deletion ---------------------------------------------------------------------------------------


def test_delete_an_unused_item(client, main_agent, own_item):
    client.force_login(main_agent)
    assert client.get(delete_url(own_item)).status_code == 200
    assert client.post(delete_url(own_item)).status_code == 302
    assert not Domain.objects.filter(pk=own_item.pk).exists()


def test_an_item_used_by_a_case_is_not_deleted(client, main_agent, authority, own_item):
    CaseFactory(authority=authority, competent=True, domain=own_item)
    client.force_login(main_agent)
    response = client.post(delete_url(own_item), follow=True)
    assert Domain.objects.filter(pk=own_item.pk).exists()
    assert "est utilisé par au moins un dossier" in response.content.decode()


def test_an_item_used_by_a_case_of_another_authority_is_not_deleted_nor_the_case_named(
    client, platform_admin, platform_item, other_authority
):
    case = CaseFactory(authority=other_authority, competent=True, domain=platform_item)
    client.force_login(platform_admin)
    response = client.post(delete_url(platform_item), follow=True)
    content = response.content.decode()
    assert Domain.objects.filter(pk=platform_item.pk).exists()
    assert "est utilisé par au moins un dossier" in content
    assert case.label not in content


def test_a_third_party_used_by_a_case_is_not_deleted(client, main_agent, authority):
    item = CompetentThirdParty.objects.create(name="Test — tiers", authority=authority)
    CaseFactory(authority=authority, competent=False, competent_third_party=item)
    client.force_login(main_agent)
    client.post(delete_url(item, THIRD_PARTIES))
    assert CompetentThirdParty.objects.filter(pk=item.pk).exists()


def test_an_item_with_children_is_not_deleted(client, main_agent, authority, own_item):
    Domain.objects.create(name="Test — enfant", authority=authority, parent=own_item)
    client.force_login(main_agent)
    response = client.post(delete_url(own_item), follow=True)
    assert Domain.objects.filter(pk=own_item.pk).exists()
    assert "a des sous-éléments" in response.content.decode()


# --- Who sees what ----------------------------------------------------------------------------------


def test_agent_sees_platform_and_own_items_read_only(client, agent, platform_item, own_item, foreign_item):
    client.force_login(agent)
    response = client.get(DOMAINS, {"q": "Test"})
    names = {item.name for item in response.context["object_list"]}
    assert {"Test — plateforme", "Test — Démo"} <= names
    assert "Test — autre ville" not in names
    assert client.get(f"{DOMAINS}create/").status_code == 302
    assert client.post(edit_url(own_item), {"name": "Piraté", "parent": ""}).status_code == 302
    own_item.refresh_from_db()
    assert own_item.name == "Test — Démo"


def test_children_follow_their_parent_in_the_list(client, agent, platform_item):
    Domain.objects.create(name="Test — a enfant", parent=platform_item)
    client.force_login(agent)
    names = [item.name for item in client.get(DOMAINS, {"q": "Test"}).context["object_list"]]
    assert names.index("Test — a enfant") == names.index("Test — plateforme") + 1


def test_menu_is_shown_to_platform_admins_and_main_agents_only(client, platform_admin, main_agent, agent, editor):
    for user, shown in ((platform_admin, True), (main_agent, True), (agent, False), (editor, False)):
        client.force_login(user)
        assert (DOMAINS in client.get("/admin/").content.decode()) is shown, user


def test_editor_cannot_reach_the_lists(client, editor, own_item):
    client.force_login(editor)
    assert client.get(DOMAINS).status_code == 302
    assert client.get(edit_url(own_item)).status_code == 404


def test_anonymous_goes_to_login(client, own_item):
    response = client.get(DOMAINS)
    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


def test_colleague_main_agent_of_other_authority_is_not_enough(client, other_authority, own_item):
    other_main = member_of(other_authority, Role.MAIN_AGENT)
    client.force_login(other_main)
    assert client.get(edit_url(own_item)).status_code == 404
