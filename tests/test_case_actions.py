"""Actions on a case (issue #3 §4): assignment, status, due date, closing, reopening, deletion."""

import datetime
import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from authorities.models import Role
from cases import workflow
from cases.choices import Outcome, Status
from cases.models import (
    Attachment,
    AttachmentContent,
    Case,
    CaseEvent,
    Citizen,
    InboundEmail,
    Message,
    MessageCase,
    Note,
)
from tests.conftest import member_of
from tests.factories import CaseFactory
from tests.workspace_factories import AttachmentFactory, MessageFactory, NoteFactory, fast_passwords  # noqa: F401


@pytest.fixture
def case(authority):
    return CaseFactory(authority=authority)


@pytest.fixture
def colleague(authority):
    return member_of(authority, Role.AGENT)


def url(name: str, case: Case, **kwargs) -> str:
    return reverse(f"case:{name}", kwargs={"number": case.number, **kwargs})


def emails(template: str) -> list[Message]:
    return list(Message.objects.filter(template=template))


def text(response) -> str:
    return html.unescape(response.content.decode())


def reload(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


# Assign to me -------------------------------------------------------------------


def test_agent_takes_an_unassigned_case_from_the_case_page(client, agent, case):
    client.force_login(agent)
    response = client.post(url("assign_to_me", case), follow=True)
    assert reload(case).assignee == agent
    assert f"{case.label} vous est assigné." in text(response)
    event = case.events.get()
    assert event.kind == CaseEvent.Kind.ASSIGNED
    assert event.actor == agent
    assert event.data["changes"] == [
        {"field": "assignee", "label": "Médiateur assigné", "old": "—", "new": agent.get_full_name()}
    ]
    assert emails("case_assigned") == []  # nobody is told about their own choice


def test_assign_to_me_from_the_index_goes_back_to_a_local_next(client, agent, case):
    client.force_login(agent)
    response = client.post(url("assign_to_me", case), {"next": "/admin/dossiers/?vue=non-assignes"})
    assert response.url == "/admin/dossiers/?vue=non-assignes"
    assert reload(case).assignee == agent


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_next_to_another_site_is_ignored(client, agent, case, target):
    client.force_login(agent)
    response = client.post(url("assign_to_me", case), {"next": target})
    assert response.url == url("detail", case)


def test_a_case_already_assigned_cannot_be_taken(client, agent, colleague, case):
    case.assignee = colleague
    case.save()
    client.force_login(agent)
    response = client.post(url("assign_to_me", case), follow=True)
    assert reload(case).assignee == colleague
    assert f"déjà assigné à {colleague.get_full_name()}" in text(response)
    assert not case.events.exists()


def test_assign_to_me_is_refused_to_a_non_agent_by_the_service(editor, case):
    with pytest.raises(PermissionDenied):
        workflow.assign_to_me(editor, case)


# Unassign -----------------------------------------------------------------------


def test_assignee_unassigns_themselves_without_email(client, agent, case):
    case.assignee = agent
    case.save()
    client.force_login(agent)
    client.post(url("unassign", case))
    assert reload(case).assignee is None
    assert case.events.get().kind == CaseEvent.Kind.UNASSIGNED
    assert emails("case_unassigned") == []


def test_main_agent_unassigns_someone_else_who_is_told_by_email(client, main_agent, agent, case):
    case.assignee = agent
    case.save()
    client.force_login(main_agent)
    client.post(url("unassign", case))
    assert reload(case).assignee is None
    [email] = emails("case_unassigned")
    assert email.to == [agent.email]
    assert main_agent.get_full_name() in email.text
    assert f"/admin/dossiers/{case.number}/" in email.text


def test_another_agent_cannot_unassign_the_assignee(client, agent, colleague, case):
    """The original's bug: its unassign branch never threw, so anyone could unassign."""
    case.assignee = colleague
    case.save()
    client.force_login(agent)
    response = client.post(url("unassign", case), follow=True)
    assert reload(case).assignee == colleague
    assert "Seuls le médiateur assigné et le médiateur principal" in text(response)
    assert not case.events.exists()


# Assign / transfer (main agent) ---------------------------------------------------


def test_main_agent_assigns_an_agent_who_is_told_by_email(client, main_agent, agent, case):
    client.force_login(main_agent)
    page = client.get(url("assign", case))
    assert "Assigner le dossier" in page.content.decode()
    response = client.post(url("assign", case), {"assignee": agent.pk})
    assert response.url == url("detail", case)
    assert reload(case).assignee == agent
    [email] = emails("case_assigned")
    assert email.to == [agent.email]
    assert "http://" in email.text and f"/admin/dossiers/{case.number}/" in email.text
    assert emails("case_unassigned") == []


def test_main_agent_transfers_and_both_agents_are_told(client, main_agent, agent, colleague, case):
    case.assignee = colleague
    case.save()
    client.force_login(main_agent)
    assert "Transférer le dossier" in client.get(url("assign", case)).content.decode()
    client.post(url("assign", case), {"assignee": agent.pk})
    assert reload(case).assignee == agent
    assert [m.to for m in emails("case_assigned")] == [[agent.email]]
    assert [m.to for m in emails("case_unassigned")] == [[colleague.email]]
    change = case.events.get().data["changes"][0]
    assert (change["old"], change["new"]) == (colleague.get_full_name(), agent.get_full_name())


def test_only_members_of_the_authority_can_be_assigned(client, main_agent, other_agent, editor, case):
    client.force_login(main_agent)
    for outsider in (other_agent, editor):
        response = client.post(url("assign", case), {"assignee": outsider.pk})
        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in text(response)
    assert reload(case).assignee is None
    with pytest.raises(ValidationError):
        workflow.assign(main_agent, case, other_agent)


def test_an_agent_cannot_assign_someone_else(client, agent, colleague, case):
    client.force_login(agent)
    response = client.post(url("assign", case), {"assignee": colleague.pk}, follow=True)
    assert "Seul le médiateur principal" in text(response)
    assert reload(case).assignee is None
    with pytest.raises(PermissionDenied):
        workflow.assign(agent, case, colleague)


# Status and due date ----------------------------------------------------------------


def test_any_agent_changes_the_status_and_the_timeline_says_so(client, agent, case):
    client.force_login(agent)
    client.post(url("facts", case), {"status": Status.CONTACT_REQUESTER})
    assert reload(case).status == Status.CONTACT_REQUESTER
    event = case.events.get()
    assert event.kind == CaseEvent.Kind.STATUS_CHANGED
    assert event.data["changes"][0] | {} == {
        "field": "status",
        "label": "Avancement du dossier",
        "old": "À traiter",
        "new": "Contacter le requérant",
    }
    page = client.get(url("detail", case)).content.decode()
    assert "Avancement du dossier : À traiter → Contacter le requérant" in page


def test_status_cannot_be_set_to_closed_without_closing(client, agent, case):
    client.force_login(agent)
    response = client.post(url("facts", case), {"status": Status.CLOSED})
    assert reload(case).status == Status.TO_PROCESS
    assert "Sélectionnez un choix valide" in text(response)
    with pytest.raises(ValidationError):
        workflow.change_status(agent, case, Status.CLOSED)


def test_status_of_a_closed_case_is_read_only(agent, case):
    workflow.close(agent, case, {"outcome": Outcome.PARTIAL})
    with pytest.raises(ValidationError, match="rouvrez-le"):
        workflow.change_status(agent, case, Status.TO_PROCESS)


def test_due_date_is_set_then_cleared(client, agent, case):
    client.force_login(agent)
    due = timezone.localdate() + datetime.timedelta(days=10)
    client.post(url("facts", case), {"status": Status.TO_PROCESS, "due_date": due.isoformat()})
    assert reload(case).due_date == due
    client.post(url("facts", case), {"status": Status.TO_PROCESS, "due_date": ""})
    assert reload(case).due_date is None
    changes = [event.data["changes"][0] for event in case.events.order_by("pk")]
    assert [(c["label"], c["old"], c["new"]) for c in changes] == [
        ("Échéance", "—", due.strftime("%d/%m/%Y")),
        ("Échéance", due.strftime("%d/%m/%Y"), "—"),
    ]


def test_due_date_cannot_be_in_the_past(client, agent, case):
    client.force_login(agent)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(url("facts", case), {"status": Status.TO_PROCESS, "due_date": yesterday.isoformat()})
    assert reload(case).due_date is None
    assert "L'échéance ne peut pas être une date passée." in text(response)


# Close and reopen ------------------------------------------------------------------


def test_close_asks_for_confirmation_and_an_outcome(client, agent, case):
    client.force_login(agent)
    page = client.get(url("close", case)).content.decode()
    assert "Le requérant sera notifié par courriel" in page
    response = client.post(url("close", case), {"outcome": ""})
    assert response.status_code == 200
    assert "Le type de clôture est obligatoire pour clôturer le dossier." in text(response)
    assert not reload(case).is_closed


def test_close_without_citizen_email_warns_to_notify_them(client, agent, case):
    Citizen.objects.filter(pk=case.pk).update(email="", phone="+33612345678")
    client.force_login(agent)
    assert "veillez à le notifier" in client.get(url("close", case)).content.decode()


def test_closing_sets_status_date_and_tells_the_citizen_once(client, agent, case):
    client.force_login(agent)
    response = client.post(
        url("close", case),
        {"outcome": Outcome.FAVORABLE_TO_CITIZEN, "agreement": "true", "conclusion": "Accord trouvé."},
    )
    assert response.url == url("detail", case)
    closed = reload(case)
    assert closed.status == Status.CLOSED
    assert closed.closed_at is not None
    assert closed.outcome == Outcome.FAVORABLE_TO_CITIZEN
    assert closed.agreement is True
    [email] = emails("case_closed")
    assert email.to == [case.citizen.email]
    assert MessageCase.objects.filter(message=email, case=case).exists()
    event = case.events.get(kind=CaseEvent.Kind.CLOSED)
    assert {"label": "Type de clôture", "old": "—", "new": "Droit à l'Usager", "field": "outcome"} in event.data[
        "changes"
    ]
    # Closing again is refused and sends nothing more; the closing date is set once.
    client.post(url("close", case), {"outcome": Outcome.PARTIAL})
    assert reload(case).closed_at == closed.closed_at
    assert len(emails("case_closed")) == 1


def test_closing_without_citizen_email_sends_nothing(agent, case):
    Citizen.objects.filter(pk=case.pk).update(email="", phone="+33612345678")
    workflow.close(agent, case, {"outcome": Outcome.CITIZEN_WAIVER})
    assert emails("case_closed") == []


def test_service_refuses_to_close_without_outcome(agent, case):
    with pytest.raises(ValidationError) as error:
        workflow.close(agent, case, {"outcome": ""})
    assert "outcome" in error.value.message_dict


def test_reopen_goes_back_to_finalisation_and_clears_the_closing_date(client, agent, case):
    workflow.close(agent, case, {"outcome": Outcome.PARTIAL})
    client.force_login(agent)
    assert "Rouvrir le dossier" in client.get(url("reopen", case)).content.decode()
    client.post(url("reopen", case))
    reopened = reload(case)
    assert reopened.status == Status.ABOUT_TO_CLOSE
    assert reopened.closed_at is None
    assert reopened.outcome == Outcome.PARTIAL
    assert case.events.filter(kind=CaseEvent.Kind.REOPENED).count() == 1
    # Closing again tells the citizen again: it is a new transition.
    workflow.close(agent, reopened, {"outcome": Outcome.PARTIAL})
    assert len(emails("case_closed")) == 2


def test_reopening_an_open_case_is_refused(client, agent, case):
    client.force_login(agent)
    response = client.post(url("reopen", case), follow=True)
    assert "Ce dossier n'est pas clôturé." in text(response)
    assert not case.events.exists()


# Delete ------------------------------------------------------------------------------


def full_case(authority) -> tuple[Case, Message, Message]:
    """A case with a row of every kind, a message of its own and a message shared with another case."""
    case = CaseFactory(authority=authority)
    NoteFactory(case=case)
    AttachmentFactory(case=case)
    own = MessageFactory(cases=[case])
    AttachmentFactory(case=None, message=own, name="piece-du-message.pdf")
    InboundEmail.objects.create(door=InboundEmail.Door.MTA, raw=b"From: x", size=7, message=own)
    shared = MessageFactory(cases=[case, CaseFactory(authority=authority)])
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CREATED)
    return case, own, shared


def test_delete_leaves_no_orphan(client, main_agent, authority):
    case, own, shared = full_case(authority)
    client.force_login(main_agent)
    assert "irréversible" in client.get(url("delete", case)).content.decode()
    response = client.post(url("delete", case))
    assert response.url == "/admin/dossiers/"
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Citizen.objects.filter(pk=case.pk).exists()
    assert not Note.objects.filter(case_id=case.pk).exists()
    assert not CaseEvent.objects.filter(case_id=case.pk).exists()
    assert not MessageCase.objects.filter(case_id=case.pk).exists()
    assert not Message.objects.filter(pk=own.pk).exists()
    assert not InboundEmail.objects.filter(message_id=own.pk).exists()
    assert not InboundEmail.objects.filter(message__isnull=True).exists()
    assert not Attachment.objects.filter(case_id=case.pk).exists()
    assert not Attachment.objects.filter(message_id=own.pk).exists()
    assert not AttachmentContent.objects.filter(attachment__isnull=True).exists()
    assert AttachmentContent.objects.count() == Attachment.objects.count() == 0
    # The message that also belongs to another case stays with it.
    assert Message.objects.filter(pk=shared.pk).exists()
    assert MessageCase.objects.filter(message=shared).count() == 1


def test_assignee_may_delete(client, agent, case):
    case.assignee = agent
    case.save()
    client.force_login(agent)
    client.post(url("delete", case))
    assert not Case.objects.filter(pk=case.pk).exists()


def test_other_agents_may_not_delete(client, agent, colleague, case):
    case.assignee = colleague
    case.save()
    client.force_login(agent)
    response = client.post(url("delete", case), follow=True)
    assert Case.objects.filter(pk=case.pk).exists()
    assert "Seuls le médiateur assigné et le médiateur principal peuvent supprimer ce dossier." in text(response)
    with pytest.raises(PermissionDenied):
        workflow.delete_case(agent, case)
