"""Saved views of the case index (cases/workspace/saved_views.py): own and shared, their tabs and counts."""

import pytest
from django.urls import reverse

from authorities.models import Role
from cases.access import cases_for
from cases.workspace import saved_views
from cases.workspace.models import SavedView
from tests.conftest import member_of
from tests.factories import CaseFactory

INDEX_URL = "/admin/dossiers/"
SAVE_URL = "/admin/dossiers/vues/"


def tab_labels(client, user, **params) -> dict[str, str]:
    client.force_login(user)
    response = client.get(INDEX_URL, params)
    assert response.status_code == 200
    return {tab.label: tab.count_label for tab in response.context["tabs"]}


def save(client, user, name, query, **extra):
    client.force_login(user)
    return client.post(SAVE_URL, {"name": name, "query": query, **extra})


def test_an_agent_saves_the_current_filters_and_sort_for_themselves(client, agent, authority):
    CaseFactory.create_batch(2, authority=authority, assignee=agent)
    CaseFactory(authority=authority)
    response = save(client, agent, "Mes urgences", "tri=echeance&mediateur=moi&p=3")
    view = SavedView.objects.get()
    assert (view.owner, view.authority, view.query) == (agent, None, "mediateur=moi&tri=echeance")
    assert response.url == "/admin/dossiers/?mediateur=moi&tri=echeance"
    assert tab_labels(client, agent)["Mes urgences"] == "2"
    client.force_login(agent)
    response = client.get(response.url)
    current = [tab.label for tab in response.context["tabs"] if tab.current]
    assert current == ["Mes urgences"]
    assert "<title>Mes urgences" in response.content.decode()
    assert "Enregistrer cette vue" not in response.content.decode(), "already a tab"
    colleague = member_of(authority, Role.AGENT)
    assert "Mes urgences" not in tab_labels(client, colleague)


def test_a_main_agent_shares_a_view_with_the_whole_authority(client, main_agent, agent, authority, other_agent):
    save(client, main_agent, "À relancer", "avancement=waiting_for_requester", shared_with=authority.pk)
    view = SavedView.objects.get()
    assert view.shared and view.authority == authority and view.created_by == main_agent
    assert "À relancer" in tab_labels(client, agent)
    assert "À relancer" in tab_labels(client, main_agent)
    assert "À relancer" not in tab_labels(client, other_agent)


def test_an_agent_cannot_share_a_view(client, agent, authority):
    response = save(client, agent, "Pour tous", "mediateur=aucun", shared_with=authority.pk)
    assert response.status_code == 302
    assert SavedView.objects.filter(owner__isnull=True).count() == 0
    assert SavedView.objects.filter(owner=agent).count() == 1, "the choice is not offered: saved as their own"


def test_a_main_agent_cannot_share_with_another_authority(client, main_agent, other_authority):
    assert saved_views.main_agent_of(main_agent) != [other_authority]
    with pytest.raises(saved_views.PermissionDenied):
        saved_views.save_view(main_agent, "Ailleurs", "", shared_with=other_authority.pk)
    assert not SavedView.objects.exists()


def test_who_deletes_what(client, agent, main_agent, authority, other_agent):
    own = SavedView.objects.create(name="Mienne", query="mediateur=moi", owner=agent)
    shared = SavedView.objects.create(name="Équipe", query="mediateur=aucun", authority=authority)
    theirs = SavedView.objects.create(name="Ailleurs", query="", owner=other_agent)
    client.force_login(agent)
    delete = lambda view: client.post(reverse("case_saved_view_delete", args=[view.pk]))  # noqa: E731
    assert delete(theirs).status_code == 404
    assert delete(shared).status_code == 302 and SavedView.objects.filter(pk=shared.pk).exists()
    assert delete(own).status_code == 302 and not SavedView.objects.filter(pk=own.pk).exists()
    client.force_login(main_agent)
    assert delete(shared).status_code == 302 and not SavedView.objects.filter(pk=shared.pk).exists()
    assert SavedView.objects.filter(pk=theirs.pk).exists()


def test_delete_buttons_only_where_allowed(client, agent, main_agent, authority):
    SavedView.objects.create(name="Équipe", query="mediateur=aucun", authority=authority)
    client.force_login(agent)
    assert "Supprimer la vue « Équipe »" not in client.get(INDEX_URL).content.decode()
    client.force_login(main_agent)
    assert "Supprimer la vue « Équipe »" in client.get(INDEX_URL).content.decode()


def test_a_view_without_a_name_is_not_saved(client, agent):
    response = save(client, agent, "  ", "mediateur=moi")
    assert response.status_code == 302 and not SavedView.objects.exists()


def test_at_most_twenty_views_each(client, agent):
    for n in range(saved_views.MAX_VIEWS):
        SavedView.objects.create(name=f"Vue {n}", query=f"domaine={n + 1}", owner=agent)
    save(client, agent, "Une de trop", "mediateur=moi")
    assert SavedView.objects.count() == saved_views.MAX_VIEWS


def test_tab_counts_equal_a_direct_count_with_several_members(client, agent, main_agent, authority, other_authority):
    """Several members per authority: a count joined to memberships would multiply (issue 11, item 10)."""
    for _ in range(3):
        member_of(authority, Role.AGENT)
        member_of(other_authority, Role.AGENT)
    CaseFactory.create_batch(3, authority=authority, assignee=agent)
    CaseFactory.create_batch(2, authority=authority)
    CaseFactory.create_batch(4, authority=other_authority)
    SavedView.objects.create(name="Sans médiateur", query="mediateur=aucun", authority=authority)
    labels = tab_labels(client, agent)
    own = cases_for(agent)
    assert labels["Dossiers ouverts"] == str(own.filter(closed_at__isnull=True).count()) == "5"
    assert labels["Mes dossiers"] == str(own.filter(assignee=agent).count()) == "3"
    assert labels["Non assignés"] == labels["Sans médiateur"] == str(own.filter(assignee__isnull=True).count())
    assert labels["Tous les dossiers"] == "5"


def test_tab_counts_stop_at_their_limit(client, agent, authority, monkeypatch):
    monkeypatch.setattr(saved_views, "TAB_COUNT_LIMIT", 2)
    CaseFactory.create_batch(4, authority=authority)
    assert tab_labels(client, agent)["Dossiers ouverts"] == "plus de 2"


def test_tabs_are_links_marked_current_without_aria_selected(client, agent, authority):
    CaseFactory(authority=authority)
    client.force_login(agent)
    content = client.get(INDEX_URL, {"mediateur": "aucun"}).content.decode()
    assert "aria-selected" not in content and 'role="tab"' not in content
    assert 'href="/admin/dossiers/?mediateur=aucun" aria-current="page">Non assignés' in content


def test_all_tabs_are_counted_in_one_query_whatever_their_number(client, agent, main_agent, authority):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CaseFactory.create_batch(3, authority=authority)
    client.force_login(agent)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INDEX_URL).status_code == 200
        return len(captured)

    SavedView.objects.create(name="Une", query="mediateur=moi&tri=echeance", owner=agent)
    queries()
    with_one = queries()
    for n in range(6):
        SavedView.objects.create(name=f"Vue {n}", query=f"q=dupont{n}", owner=agent)
        SavedView.objects.create(
            name=f"Équipe {n}", query=f"avancement=to_process&domaine={n + 1}", authority=authority
        )
    assert queries() == with_one
