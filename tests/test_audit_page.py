"""« Journal d'audit » (/admin/journal-audit/, issue #14 item 6): who reads which rows, filters, pages, cost.

Six roles: anonymous (login page), editor and agent (404, nothing of the log), agent of another authority
and main agent (their own authority's rows only), platform admin (every row). No URL edits or deletes a row.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from authorities.models import Role
from cases import audit
from cases.audit.models import Action, AuditEntry
from cases.audit.views import PAGE_SIZE, page_of
from tests.conftest import member_of
from tests.factories import CaseFactory, MembershipFactory

URL = "/admin/journal-audit/"
LOGIN = "/admin/login/"
ROLES = ["anonymous", "editor", "agent", "other_agent", "main_agent", "platform_admin"]


@pytest.fixture
def log(authority, other_authority, agent, other_agent):
    """One case opened here, one at the other authority, and a row of no authority (a platform admin's)."""
    here, there = CaseFactory(authority=authority), CaseFactory(authority=other_authority)
    audit.record(agent, Action.CASE_VIEWED, obj=here)
    audit.record(other_agent, Action.CASE_VIEWED, obj=there)
    audit.record(None, Action.MEMBER_ADDED, obj=other_agent, detail={"role": "platform_admin"})
    return here, there


@pytest.fixture
def login(request, client):
    def as_role(role: str):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return as_role


def listed(response) -> set[int]:
    return {entry.case_number for entry, _ in response.context["rows"]}


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(login, role, log, main_agent, platform_admin):
    here, there = log
    response = login(role).get(URL)
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(LOGIN)
        return
    content = response.content.decode()
    if role in ("editor", "agent", "other_agent"):
        assert response.status_code == 404
        assert f"Dossier n°{here.number}" not in content and f"Dossier n°{there.number}" not in content
        return
    assert response.status_code == 200
    if role == "main_agent":
        assert listed(response) == {here.number}
        assert f"Dossier n°{there.number}" not in content
    else:
        assert listed(response) == {here.number, there.number, None}
        assert "Administrateur de la plateforme" in content  # the row of no authority, its detail in French


def test_an_agent_main_agent_elsewhere_reads_only_that_authority(client, authority, other_authority, log):
    here, there = log
    user = member_of(authority, Role.AGENT)
    MembershipFactory(user=user, authority=other_authority, role=Role.EDITOR)
    client.force_login(user)
    assert client.get(URL).status_code == 404
    boss = member_of(other_authority, Role.MAIN_AGENT)
    MembershipFactory(user=boss, authority=authority, role=Role.AGENT)
    client.force_login(boss)
    assert listed(client.get(URL)) == {there.number}


def test_the_menu_item_is_shown_to_readers_only(client, authority, main_agent, agent, platform_admin):
    for user, shown in ((main_agent, True), (agent, False), (platform_admin, True)):
        client.force_login(user)
        assert (URL in client.get("/admin/").content.decode()) is shown, user


def test_no_url_edits_or_deletes_a_row(client, main_agent, log):
    row = AuditEntry.objects.first()
    client.force_login(main_agent)
    for path in (f"{URL}{row.pk}/", f"{URL}{row.pk}/modifier/", f"{URL}{row.pk}/supprimer/"):
        assert resolve(path).url_name is None  # Wagtail's catch-all « page not found »
        assert client.post(path).status_code == 404
    assert client.post(URL, {"action": "case_viewed"}).status_code == 405
    assert AuditEntry.objects.count() == 3


def test_filters(client, authority, main_agent, agent, log):
    here, _ = log
    other_case = CaseFactory(authority=authority)
    audit.record(main_agent, Action.SYNTHESIS_DOWNLOADED, obj=other_case)
    client.force_login(main_agent)
    assert listed(client.get(URL, {"action": "synthesis_downloaded"})) == {other_case.number}
    assert listed(client.get(URL, {"utilisateur": agent.email.upper()})) == {here.number}
    assert listed(client.get(URL, {"dossier": here.number})) == {here.number}
    today = timezone.localdate()
    assert listed(client.get(URL, {"du": today, "au": today})) == {here.number, other_case.number}
    yesterday = today - datetime.timedelta(days=1)
    empty = client.get(URL, {"au": yesterday})
    assert listed(empty) == set()
    assert "Aucune entrée ne correspond à ces filtres." in empty.content.decode()


def test_a_wrong_filter_is_named_and_the_others_still_apply(client, main_agent, log):
    here, _ = log
    client.force_login(main_agent)
    response = client.get(URL, {"du": "32/13/2026", "dossier": here.number, "action": "nimporte"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une date valide." in content and "Sélectionnez un choix valide." in content
    assert listed(response) == {here.number}
    inverted = client.get(URL, {"du": "2026-05-02", "au": "2026-05-01"})
    assert "La date de fin précède la date de début." in inverted.content.decode()


def test_empty_log(client, main_agent):
    client.force_login(main_agent)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Aucune entrée dans le journal pour le moment." in response.content.decode()


def test_pages_walk_the_chain_both_ways(authority, agent):
    case = CaseFactory(authority=authority)
    audit.record_many(agent, Action.CASE_VIEWED, [case] * 7)
    entries = AuditEntry.objects.all()
    first = page_of(entries, None, None, size=3)
    assert ([row.seq for row in first.rows], first.newer, first.older) == ([7, 6, 5], None, 5)
    second = page_of(entries, first.older, None, size=3)
    assert ([row.seq for row in second.rows], second.older) == ([4, 3, 2], 2)
    last = page_of(entries, second.older, None, size=3)
    assert ([row.seq for row in last.rows], last.older) == ([1], None)
    back = page_of(entries, None, last.newer, size=3)
    assert [row.seq for row in back.rows] == [4, 3, 2]
    top = page_of(entries, None, back.newer, size=3)
    assert ([row.seq for row in top.rows], top.newer) == ([7, 6, 5], None)


def test_the_page_links_keep_the_filters(client, authority, main_agent, agent):
    case = CaseFactory(authority=authority)
    audit.record_many(agent, Action.CASE_VIEWED, [case] * (PAGE_SIZE + 5))
    client.force_login(main_agent)
    response = client.get(URL, {"action": "case_viewed"})
    assert len(response.context["rows"]) == PAGE_SIZE
    older = response.context["older_url"]
    assert "action=case_viewed" in older and "avant=" in older
    following = client.get(URL + older)
    assert len(following.context["rows"]) == 5
    assert "apres=" in following.context["newer_url"]


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


@pytest.mark.parametrize("reader", ["main_agent", "platform_admin"])
def test_constant_query_count_whatever_the_rows(request, client, authority, other_authority, reader):
    client.force_login(request.getfixturevalue(reader))
    cases = [CaseFactory(authority=authority), CaseFactory(authority=other_authority)]
    audit.record_many(None, Action.CASE_ANONYMISED, cases)
    count_queries(client)  # warm the process
    few = count_queries(client)
    audit.record_many(None, Action.CASE_ANONYMISED, cases * (PAGE_SIZE + 10))
    assert count_queries(client) == few
