"""The agents' case index at /admin/dossiers/ (cases/wagtail_hooks.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.choices import Status
from tests.factories import CaseFactory

INDEX_URL = "/admin/dossiers/"


def listed_numbers(client, user, **params) -> set[int]:
    client.force_login(user)
    response = client.get(INDEX_URL, params)
    assert response.status_code == 200
    return {case.number for case in response.context["object_list"]}


@pytest.fixture
def demo_cases(authority):
    return CaseFactory.create_batch(3, authority=authority)


@pytest.fixture
def other_cases(other_authority):
    return CaseFactory.create_batch(2, authority=other_authority)


def test_agent_sees_the_cases_of_their_authority_only(client, agent, demo_cases, other_cases):
    assert listed_numbers(client, agent) == {case.number for case in demo_cases}


def test_agent_of_the_other_authority_sees_the_reverse(client, other_agent, demo_cases, other_cases):
    assert listed_numbers(client, other_agent) == {case.number for case in other_cases}


def test_main_agent_sees_their_authority_cases(client, main_agent, demo_cases, other_cases):
    assert listed_numbers(client, main_agent) == {case.number for case in demo_cases}


def test_rows_show_number_citizen_status_label_and_assignee(client, agent, authority):
    case = CaseFactory(authority=authority, assignee=agent, status=Status.WAITING_FOR_REQUESTER)
    client.force_login(agent)
    content = client.get(INDEX_URL).content.decode()
    assert f">{case.number}<" in content.replace(" ", "").replace("\n", "")
    assert case.citizen.full_name in content
    assert "En attente de réponse du requérant" in content
    assert agent.get_full_name() in content


def test_newest_cases_come_first(client, agent, authority):
    older, newer = CaseFactory.create_batch(2, authority=authority)
    type(older).objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2020))
    client.force_login(agent)
    numbers = [case.number for case in client.get(INDEX_URL).context["object_list"]]
    assert numbers == [newer.number, older.number]


def test_status_filter_narrows_the_list(client, agent, authority):
    closed = CaseFactory(authority=authority, status=Status.CLOSED, closed_at="2024-01-02T10:00Z", outcome="partial")
    CaseFactory(authority=authority, status=Status.TO_PROCESS)
    assert listed_numbers(client, agent, status__exact=Status.CLOSED) == {closed.number}


def test_empty_state_is_in_french(client, agent):
    client.force_login(agent)
    assert "Aucun dossier pour le moment." in client.get(INDEX_URL).content.decode()


def test_editor_cannot_reach_the_index(client, editor, demo_cases):
    client.force_login(editor)
    response = client.get(INDEX_URL)
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_platform_admin_who_is_not_a_member_sees_no_case(client, platform_admin, demo_cases):
    client.force_login(platform_admin)
    response = client.get(INDEX_URL)
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_anonymous_visitor_is_sent_to_the_login_page(client, demo_cases):
    response = client.get(INDEX_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login") + "?next=")


@pytest.mark.parametrize("path", ["edit/{}/", "delete/{}/", "inspect/{}/", "create/"])
def test_no_modeladmin_instance_view_is_registered(client, agent, demo_cases, path):
    client.force_login(agent)
    assert client.get(INDEX_URL + path.format(demo_cases[0].number)).status_code == 404


def test_menu_item_is_shown_to_agents_only(client, agent, editor):
    client.force_login(agent)
    assert INDEX_URL in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(editor)
    assert INDEX_URL not in client.get(reverse("wagtailadmin_home")).content.decode()


def count_index_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INDEX_URL).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_rows(client, agent, authority):
    client.force_login(agent)
    CaseFactory.create_batch(5, authority=authority, assignee=agent)
    count_index_queries(client)  # warm the per-process caches (content types, site)
    with_5_rows = count_index_queries(client)
    CaseFactory.create_batch(35, authority=authority, assignee=agent)
    assert count_index_queries(client) == with_5_rows


def test_list_is_paginated_past_50_cases(client, agent, authority):
    CaseFactory.create_batch(51, authority=authority)
    client.force_login(agent)
    first = client.get(INDEX_URL)
    assert first.context["paginator"].num_pages == 2
    assert len(first.context["object_list"]) == 50
    assert len(client.get(INDEX_URL, {"p": 2}).context["object_list"]) == 1
