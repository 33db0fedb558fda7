"""The agents' dashboard: Wagtail home panels (issue #3, item 1), and the business-day helper behind it."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from authorities.models import Role
from cases.choices import Status
from cases.dates import DueState, add_business_days, due_soon_limit, due_state
from cases.models import Message, MessageCase
from tests.conftest import member_of
from tests.factories import CaseFactory, MembershipFactory

HOME = "/admin/"
MONDAY = datetime.date(2025, 3, 3)
FRIDAY = datetime.date(2025, 3, 7)
SATURDAY = datetime.date(2025, 3, 8)


def unprocessed(case, count=1):
    for _ in range(count):
        message = Message.objects.create(
            direction="in", status="received", from_email="usager@exemple.fr", message_id=f"<{uuid.uuid4()}@x>"
        )
        MessageCase.objects.create(message=message, case=case, processed=False)


def home(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(HOME, params)
    assert response.status_code == 200
    return response.content.decode()


def panel(content: str, panel_id: str) -> str:
    """The HTML of one dashboard panel (up to the next panel)."""
    start = content.index(f'id="{panel_id}')
    end = content.find('class="w-panel ', start + 1)
    return content[start : end if end != -1 else len(content)]


# --- Business days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (MONDAY, 1, datetime.date(2025, 3, 4)),
        (FRIDAY, 1, datetime.date(2025, 3, 10)),
        (SATURDAY, 1, datetime.date(2025, 3, 11)),
        (SATURDAY, 0, datetime.date(2025, 3, 10)),
        (FRIDAY, 5, datetime.date(2025, 3, 14)),
        (datetime.date(2026, 7, 13), 1, datetime.date(2026, 7, 15)),  # 14 juillet skipped
        (datetime.date(2026, 12, 24), 1, datetime.date(2026, 12, 28)),  # Christmas, then the weekend
    ],
)
def test_add_business_days(day, count, expected):
    assert add_business_days(day, count) == expected


def test_due_state():
    assert due_state(None, MONDAY) is None
    assert due_state(MONDAY - datetime.timedelta(days=1), MONDAY) == DueState.OVERDUE
    assert due_state(MONDAY, MONDAY) == DueState.SOON
    assert due_state(datetime.date(2025, 3, 4), MONDAY) == DueState.SOON
    assert due_state(datetime.date(2025, 3, 5), MONDAY) is None
    # On Friday, Monday is one business day away.
    assert due_state(datetime.date(2025, 3, 10), FRIDAY) == DueState.SOON
    assert due_soon_limit(FRIDAY) == datetime.date(2025, 3, 10)


# --- Panels ------------------------------------------------------------------------------------------


def test_my_cases_with_unprocessed_messages(client, agent, authority):
    mine = CaseFactory(authority=authority, assignee=agent)
    unprocessed(mine, 2)
    colleague_case = CaseFactory(authority=authority, assignee=member_of(authority, Role.AGENT))
    unprocessed(colleague_case)
    quiet = CaseFactory(authority=authority, assignee=agent)
    new_request = CaseFactory(authority=authority)
    unprocessed(new_request)
    content = panel(home(client, agent), "mes-messages-a-traiter")
    assert mine.label in content
    assert "2 messages à traiter" in content
    assert new_request.label in content, "an unassigned case's reply waits for the agents of its authority"
    assert colleague_case.label not in content
    assert quiet.label not in content


def test_unassigned_cases_newest_first(client, agent, authority):
    older, newer = CaseFactory.create_batch(2, authority=authority)
    type(older).objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2020))
    content = panel(home(client, agent), "dossiers-non-assignes")
    assert content.index(newer.label) < content.index(older.label)


def test_the_agents_dashboard_shows_their_work_not_a_page_search(client, agent, editor):
    content = home(client, agent)
    assert "<title>Tableau de bord - Médiature</title>" in content
    assert "Wagtail</title>" not in content
    assert "Rechercher toutes les pages" not in content and "Rechercher une page" not in content
    assert 'action="/admin/dossiers/"' in content and "data-case-search" in content
    editors = home(client, editor)
    assert "Rechercher une page du site" in editors, "editors keep the page search"
    assert "data-case-search" not in editors


def test_unassigned_cases_of_my_authority(client, agent, authority, other_authority):
    unassigned = CaseFactory(authority=authority)
    assigned = CaseFactory(authority=authority, assignee=agent)
    closed = CaseFactory(authority=authority, status=Status.CLOSED, closed_at=timezone.now(), outcome="partial")
    elsewhere = CaseFactory(authority=other_authority)
    content = panel(home(client, agent), "dossiers-non-assignes")
    assert unassigned.label in content
    for case in (assigned, closed, elsewhere):
        assert f"{case.label}<" not in content


def test_my_open_cases_due_within_one_business_day(client, agent, authority):
    today = timezone.localdate()
    overdue = CaseFactory(authority=authority, assignee=agent, due_date=today - datetime.timedelta(days=2))
    soon = CaseFactory(authority=authority, assignee=agent, due_date=today)
    later = CaseFactory(authority=authority, assignee=agent, due_date=today + datetime.timedelta(days=10))
    not_mine = CaseFactory(authority=authority, due_date=today)
    closed = CaseFactory(
        authority=authority,
        assignee=agent,
        due_date=today,
        status=Status.CLOSED,
        closed_at=timezone.now(),
        outcome="partial",
    )
    content = panel(home(client, agent), "mes-echeances")
    assert overdue.label in content and "Échéance dépassée" in content
    assert soon.label in content and "Échéance proche" in content
    for case in (later, not_mine, closed):
        assert f"{case.label}<" not in content


def test_panels_link_to_the_case_page_and_the_index(client, agent, authority):
    case = CaseFactory(authority=authority)
    content = panel(home(client, agent), "dossiers-non-assignes")
    assert f'href="{reverse("case:detail", args=[case.number])}"' in content
    assert 'href="/admin/dossiers/?mediateur=aucun"' in content


def test_empty_states_are_in_french(client, agent):
    content = home(client, agent)
    assert "Aucun message à traiter sur vos dossiers ni sur les dossiers non assignés." in content
    assert "Tous les dossiers ouverts ont un médiateur." in content
    assert "Aucune échéance proche ou dépassée sur vos dossiers ouverts." in content


def test_no_switcher_for_an_agent_of_one_authority(client, agent):
    assert "Quelle collectivité voulez-vous gérer ?" not in home(client, agent)


def test_switcher_narrows_the_panels_and_is_remembered(client, agent, authority, other_authority):
    MembershipFactory(user=agent, authority=other_authority, role=Role.AGENT)
    here = CaseFactory(authority=authority)
    there = CaseFactory(authority=other_authority)
    content = home(client, agent)
    assert "Quelle collectivité voulez-vous gérer ?" in content
    both = panel(content, "dossiers-non-assignes")
    assert here.label in both and there.label in both
    only_there = panel(home(client, agent, collectivite=other_authority.pk), "dossiers-non-assignes")
    assert there.label in only_there and f"{here.label}<" not in only_there
    remembered = panel(home(client, agent), "dossiers-non-assignes")
    assert there.label in remembered and f"{here.label}<" not in remembered
    back_to_all = panel(home(client, agent, collectivite=""), "dossiers-non-assignes")
    assert here.label in back_to_all and there.label in back_to_all


def test_switcher_ignores_an_authority_where_one_is_not_an_agent(client, agent, authority, other_authority):
    third = MembershipFactory(user=agent, role=Role.AGENT).authority
    elsewhere = CaseFactory(authority=other_authority)
    mine = CaseFactory(authority=third)
    content = panel(home(client, agent, collectivite=other_authority.pk), "dossiers-non-assignes")
    assert f"{elsewhere.label}<" not in content
    assert mine.label in content  # falls back to all of the agent's authorities


def test_editor_sees_no_case_panel(client, editor, authority):
    CaseFactory(authority=authority)
    content = home(client, editor)
    assert "Dossiers non assignés" not in content
    assert "Dossier n°" not in content


def test_platform_admin_who_is_not_an_agent_gets_quick_links_and_no_case(client, platform_admin, authority):
    case = CaseFactory(authority=authority)
    content = home(client, platform_admin)
    assert "Administration de la plateforme" in content
    assert "Dossiers non assignés" not in content
    assert case.label not in content


def test_dashboard_queries_do_not_grow_with_the_cases(client, agent, authority):
    client.force_login(agent)
    today = timezone.localdate()

    def add_cases(count):
        for _ in range(count):
            case = CaseFactory(authority=authority, assignee=agent, due_date=today)
            unprocessed(case)
            CaseFactory(authority=authority)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        return len(queries)

    add_cases(2)
    count()
    few = count()
    add_cases(12)
    assert count() == few
