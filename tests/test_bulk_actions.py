"""Bulk actions on the index's selected rows (cases/workspace/bulk.py): one confirmation, one transaction,
one timeline event per changed case, the rules checked per case; a selection holding a case of another
authority is refused whole, with nothing changed."""

import datetime
import uuid

import pytest
from django.utils import timezone

from authorities.models import Role
from cases.choices import Status
from cases.models import Case, CaseEvent, Message, MessageCase
from tests.conftest import member_of
from tests.factories import CaseFactory

BULK_URL = "/admin/dossiers/actions/"
NEXT = "/admin/dossiers/?mediateur=aucun"
IN_TEN_DAYS = timezone.localdate() + datetime.timedelta(days=10)


def inbound(case) -> MessageCase:
    message = Message.objects.create(
        direction=Message.Direction.IN,
        status="received",
        from_email="usager@exemple.fr",
        message_id=f"<{uuid.uuid4()}@x>",
    )
    return MessageCase.objects.create(message=message, case=case, processed=False)


def post(client, user, cases, confirm=True, **data):
    client.force_login(user)
    payload = {"dossiers": [case.number for case in cases], "next": NEXT, **data}
    if confirm:
        payload["confirm"] = "1"
    return client.post(BULK_URL, payload)


def snapshot(cases) -> list[tuple]:
    rows = Case.objects.filter(pk__in=[case.pk for case in cases]).order_by("pk")
    return [
        (case.assignee_id, case.status, case.due_date, MessageCase.objects.filter(case=case, processed=False).count())
        for case in rows
    ]


def events(cases) -> int:
    return CaseEvent.objects.filter(case__in=cases).count()


@pytest.fixture
def three(authority):
    cases = CaseFactory.create_batch(3, authority=authority)
    for case in cases:
        inbound(case)
    return cases


ACTIONS = {
    "assign_me": {"action": "assigner", "assignee": "moi"},
    "status": {"action": "avancement", "status": Status.CONTACT_REQUESTER},
    "due_date": {"action": "echeance", "due_date": IN_TEN_DAYS.isoformat()},
    "processed": {"action": "traites"},
}


def applied(case, name, agent) -> bool:
    case.refresh_from_db()
    return {
        "assign_me": case.assignee == agent,
        "status": case.status == Status.CONTACT_REQUESTER,
        "due_date": case.due_date == IN_TEN_DAYS,
        "processed": not MessageCase.objects.filter(case=case, processed=False).exists(),
    }[name]


@pytest.mark.parametrize("name", ACTIONS)
def test_each_action_changes_every_selected_case_with_one_event_each(client, agent, three, name):
    before = events(three)
    response = post(client, agent, three, **ACTIONS[name])
    assert response.status_code == 302 and response.url == NEXT
    assert all(applied(case, name, agent) for case in three)
    assert events(three) == before + 3
    assert {event.case_id for event in CaseEvent.objects.filter(case__in=three).order_by("-pk")[:3]} == {
        case.pk for case in three
    }


@pytest.mark.parametrize("name", ACTIONS)
def test_a_selection_with_a_case_of_another_authority_is_refused_whole(client, agent, three, other_authority, name):
    foreign = CaseFactory(authority=other_authority)
    inbound(foreign)
    selection = [*three, foreign]
    before, before_events = snapshot(selection), events(selection)
    response = post(client, agent, selection, **ACTIONS[name])
    assert response.status_code == 302
    assert snapshot(selection) == before
    assert events(selection) == before_events
    client.force_login(agent)
    page = client.get(NEXT).content.decode()
    assert "introuvable" in page and "aucun dossier n&#x27;a été modifié" in page
    assert str(foreign.citizen.full_name) not in page


@pytest.mark.parametrize("name", ACTIONS)
def test_the_confirmation_page_changes_nothing(client, agent, three, name):
    before, before_events = snapshot(three), events(three)
    response = post(client, agent, three, confirm=False, **ACTIONS[name])
    assert response.status_code == 200
    content = response.content.decode()
    assert "Confirmer" in content and all(case.label in content for case in three)
    assert snapshot(three) == before and events(three) == before_events


def test_a_rule_refused_on_one_case_cancels_the_action_for_all(client, agent, authority, three):
    colleague = member_of(authority, Role.AGENT)
    Case.objects.filter(pk=three[1].pk).update(assignee=colleague)
    before = snapshot(three)
    post(client, agent, three, **ACTIONS["assign_me"])
    assert snapshot(three) == before, "an agent does not take a colleague's case: none is assigned"
    client.force_login(agent)
    assert f"{three[1].label} : Ce dossier est déjà assigné" in client.get(NEXT).content.decode()


def test_the_main_agent_assigns_a_selection_to_an_agent(client, main_agent, agent, three):
    before = events(three)
    post(client, main_agent, three, action="assigner", assignee=str(agent.pk))
    assert all(Case.objects.get(pk=case.pk).assignee == agent for case in three)
    assert events(three) == before + 3


def test_an_agent_is_not_offered_to_assign_to_a_colleague(client, agent, authority, three):
    colleague = member_of(authority, Role.AGENT)
    post(client, agent, three, action="assigner", assignee=str(colleague.pk))
    assert all(Case.objects.get(pk=case.pk).assignee is None for case in three)


def test_cases_already_in_the_state_asked_get_no_event(client, agent, three):
    Case.objects.filter(pk=three[0].pk).update(status=Status.CONTACT_REQUESTER)
    before = events(three)
    post(client, agent, three, **ACTIONS["status"])
    assert events(three) == before + 2
    client.force_login(agent)
    assert "2 dossiers modifiés (1 déjà dans cet état)" in client.get(NEXT).content.decode()


def test_a_past_due_date_or_a_closed_status_is_refused(client, agent, three):
    before = snapshot(three)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    post(client, agent, three, action="echeance", due_date=yesterday)
    post(client, agent, three, action="avancement", status=Status.CLOSED)
    assert snapshot(three) == before


def test_nothing_selected(client, agent):
    client.force_login(agent)
    response = client.post(BULK_URL, {"action": "traites", "next": NEXT, "confirm": "1"})
    assert response.status_code == 302
    assert "Sélectionnez au moins un dossier." in client.get(NEXT).content.decode()


def test_an_external_next_is_not_followed(client, agent, three):
    client.force_login(agent)
    data = {"dossiers": [three[0].number], "action": "traites", "confirm": "1", "next": "https://ailleurs.example/"}
    assert client.post(BULK_URL, data).url == "/admin/dossiers/"


def test_get_is_not_allowed(client, agent):
    client.force_login(agent)
    assert client.get(BULK_URL).status_code == 405


def test_the_selection_is_exported_without_changing_it(client, agent, three):
    from cases.insight.models import Job

    before, before_events = snapshot(three), events(three)
    response = post(client, agent, three, action="exporter")
    job = Job.objects.get()
    assert response.url == f"/admin/statistiques/exports/{job.pk}/"
    assert (job.user, job.criteria) == (agent, {"numbers": sorted(case.number for case in three)})
    assert snapshot(three) == before and events(three) == before_events


def test_an_export_with_a_case_of_another_authority_is_refused(client, agent, three, other_authority):
    from cases.insight.models import Job

    post(client, agent, [*three, CaseFactory(authority=other_authority)], action="exporter")
    assert not Job.objects.exists()
