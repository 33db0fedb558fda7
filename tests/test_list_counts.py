"""Every count of every list equals a direct COUNT (issue 11, item 10), on a data set where a join could
multiply them: several members per authority (one of them member of both), cases with several messages to
process and several events, saved views shared and own, a second authority alongside."""

import uuid

import pytest
from django.db.models import Q
from django.urls import reverse

from authorities.models import Membership, Role
from cases.models import Case, CaseEvent, Message, MessageCase
from cases.workspace.models import SavedView
from tests.conftest import member_of
from tests.factories import CaseFactory, MembershipFactory


def inbound(case, count: int) -> None:
    for _ in range(count):
        message = Message.objects.create(
            direction="in", status="received", from_email="u@exemple.fr", message_id=f"<{uuid.uuid4()}@x>"
        )
        MessageCase.objects.create(message=message, case=case, processed=False)


@pytest.fixture
def crowded(authority, other_authority, agent, main_agent, other_agent):
    """Four agents and two editors here, three agents there, one agent in both; cases of all kinds."""
    colleagues = [member_of(authority, Role.AGENT) for _ in range(2)]
    for _ in range(2):
        member_of(authority, Role.EDITOR)
        member_of(other_authority, Role.AGENT)
    MembershipFactory(user=colleagues[0], authority=other_authority, role=Role.AGENT)
    for n, assignee in enumerate([agent, agent, colleagues[0], colleagues[1], None, None, main_agent]):
        case = CaseFactory(authority=authority, assignee=assignee)
        inbound(case, n % 3)
        for _ in range(2):
            CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE_ADDED, actor=assignee)
    for assignee in (agent, colleagues[0], None):
        CaseFactory(
            authority=authority, assignee=assignee, status="closed", closed_at="2026-01-02T10:00Z", outcome="partial"
        )
    for assignee in (other_agent, colleagues[0], None, None):
        inbound(CaseFactory(authority=other_authority, assignee=assignee), 2)
    SavedView.objects.create(name="Équipe sans médiateur", query="mediateur=aucun", authority=authority)
    SavedView.objects.create(name="Les miens", query="mediateur=moi&etat=tous", owner=agent)
    return colleagues


def test_authorities_list(client, platform_admin, crowded, authority, other_authority):
    client.force_login(platform_admin)
    rows = {a.pk: a for a in client.get(reverse("authorities:index")).context["object_list"]}
    for authority_ in (authority, other_authority):
        cases = Case.objects.filter(authority=authority_)
        row = rows[authority_.pk]
        assert row.open_cases == cases.filter(closed_at__isnull=True).count()
        assert row.closed_cases == cases.filter(closed_at__isnull=False).count()
        assert row.members == Membership.objects.filter(authority=authority_).count()
    assert (rows[authority.pk].open_cases, rows[authority.pk].members) == (7, 6)


def test_team_list(client, main_agent, crowded, authority):
    client.force_login(main_agent)
    members = client.get(reverse("authorities_team", args=[authority.pk])).context["members"]
    for membership in members:
        cases = Case.objects.filter(authority=authority, assignee=membership.user)
        assert membership.open_cases == cases.filter(closed_at__isnull=True).count()
        assert membership.closed_cases == cases.filter(closed_at__isnull=False).count()
    colleague = crowded[0]
    assert {m.user_id: (m.open_cases, m.closed_cases) for m in members}[colleague.pk] == (1, 1)


def test_case_index_tabs_and_list(client, agent, crowded, authority):
    client.force_login(agent)
    mine = Case.objects.filter(authority=authority)
    expected = {
        "Dossiers ouverts": mine.filter(closed_at__isnull=True).count(),
        "Mes dossiers": mine.filter(closed_at__isnull=True, assignee=agent).count(),
        "Non assignés": mine.filter(closed_at__isnull=True, assignee__isnull=True).count(),
        "Tous les dossiers": mine.count(),
        "Équipe sans médiateur": mine.filter(closed_at__isnull=True, assignee__isnull=True).count(),
        "Les miens": mine.filter(assignee=agent).count(),
    }
    response = client.get("/admin/dossiers/")
    assert {tab.label: tab.count for tab in response.context["tabs"]} == expected
    assert response.context["result_count"] == expected["Dossiers ouverts"] == 7
    for params, label in [("?mediateur=moi", "Mes dossiers"), ("?etat=tous", "Tous les dossiers")]:
        assert client.get("/admin/dossiers/" + params).context["result_count"] == expected[label]
    rows = {row["case"].number: row["case"].unprocessed_count for row in response.context["rows"]}
    for number, count in rows.items():
        assert count == MessageCase.objects.filter(case_id=number, processed=False).count()


def panel_rows(content: str, panel_id: str) -> int:
    panel = content[content.index(f'id="{panel_id}') :]
    return panel[: panel.find('class="w-panel ', 1)].count("Dossier n°")


def test_dashboard_panels(client, agent, crowded, authority):
    client.force_login(agent)
    content = client.get("/admin/").content.decode()
    open_cases = Case.objects.filter(authority=authority, closed_at__isnull=True)
    unassigned = open_cases.filter(assignee__isnull=True)
    waiting = (
        Case.objects.filter(authority=authority, message_links__processed=False)
        .filter(Q(assignee=agent) | Q(assignee__isnull=True))
        .distinct()
    )
    assert panel_rows(content, "dossiers-non-assignes") == unassigned.count() == 2
    assert panel_rows(content, "mes-messages-a-traiter") == waiting.count() == 3
