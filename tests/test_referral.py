"""Referral of a case to another authority of the platform (issue 16, items 3 and 4).

Proposed by an agent of the case with a reason, a note and the citizen's consent; accepted or declined
with a reason by the receiving authority's agents; withdrawn by the sender before the answer. The
access rows of its URLs (six roles, both authorities, before and after acceptance) are in
test_referral_access.py.
"""

import datetime
import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from authorities.models import Role
from cases.choices import Outcome, Status
from cases.models import Case, CaseEvent, CaseSearch, Domain, Message
from cases.referral import service
from cases.referral.models import Consent, Reason, Referral, State, figures
from tests.conftest import member_of
from tests.factories import AuthorityFactory, CaseFactory
from tests.workspace_factories import AttachmentFactory, MessageFactory, NoteFactory, fast_passwords  # noqa: F401


@pytest.fixture
def case(authority, agent):
    own_domain = Domain.objects.create(name="Cantine de la ville", authority=authority)
    return CaseFactory(
        authority=authority,
        assignee=agent,
        status=Status.WAITING_FOR_ADMINISTRATION,
        due_date=timezone.localdate() + datetime.timedelta(days=10),
        competent=True,
        domain=own_domain,
        citizen__first_name="Prudence",
        citizen__last_name="Martin",
        citizen__email="prudence@exemple.fr",
    )


def propose(actor, case, to_authority, **changes) -> Referral:
    values = {"reason": Reason.TERRITORY, "note": "La voirie départementale relève du département.", **changes}
    values.setdefault("consent", Consent.PHONE)
    return service.propose(actor, case, to_authority, **values)


def reload(case: Case) -> Case:
    return Case.objects.select_related("authority").get(pk=case.pk)


def kinds(case: Case) -> list[str]:
    return list(case.events.order_by("created_at", "pk").values_list("kind", flat=True))


def text(response) -> str:
    """The page's text with its white space collapsed, as a reader sees it."""
    return " ".join(html.unescape(response.content.decode()).split())


# Proposing ----------------------------------------------------------------------------------------------


def test_an_agent_proposes_from_the_case_page_and_the_timeline_says_so(
    client, agent, case, other_authority, other_agent
):
    client.force_login(agent)
    detail = reverse("case:detail", args=[case.number])
    assert reverse("case:referral_propose", args=[case.number]) in client.get(detail).content.decode()
    page = client.get(reverse("case:referral_propose", args=[case.number]))
    assert "Autre Ville" in text(page) and "Ville de Démo</option>" not in text(page)
    response = client.post(
        reverse("case:referral_propose", args=[case.number]),
        {"to_authority": other_authority.pk, "reason": Reason.COMPETENCE, "note": "Aide sociale", "consent": "email"},
    )
    assert response.status_code == 302 and response.url == detail
    referral = Referral.objects.get()
    assert (referral.from_authority, referral.to_authority, referral.proposed_by) == (
        case.authority,
        other_authority,
        agent,
    )
    assert (referral.status, referral.reason, referral.consent, referral.note) == (
        State.PROPOSED,
        Reason.COMPETENCE,
        Consent.EMAIL,
        "Aide sociale",
    )
    assert reload(case).authority_id == case.authority_id  # nothing moves before the answer
    event = case.events.get()
    assert event.kind == CaseEvent.Kind.REFERRAL_PROPOSED and event.actor == agent
    assert "Autre Ville" in event.detail and "par courriel" in event.detail
    page = text(client.get(detail))
    assert "Transmission proposée" in page and "Voir ou retirer la proposition" in page


def test_the_form_keeps_what_was_typed_and_names_every_missing_field(client, agent, case, other_authority, other_agent):
    client.force_login(agent)
    response = client.post(reverse("case:referral_propose", args=[case.number]), {"note": "Gardée"})
    page = text(response)
    assert response.status_code == 200 and not Referral.objects.exists()
    assert "Gardée" in page
    assert "Choisissez la collectivité à qui transmettre le dossier." in page
    assert "Choisissez le motif de la transmission." in page
    assert "Indiquez comment le requérant a donné son accord à la transmission." in page


def test_an_authority_without_agents_is_refused_with_a_clear_message(client, agent, case):
    empty = AuthorityFactory(name="Département sans médiateur", slug="sans")
    member_of(empty, Role.EDITOR)  # an editor is no mediator
    with pytest.raises(ValidationError, match="Département sans médiateur n'a encore aucun médiateur"):
        propose(agent, case, empty)
    client.force_login(agent)
    response = client.post(
        reverse("case:referral_propose", args=[case.number]),
        {"to_authority": empty.pk, "reason": Reason.TERRITORY, "note": "Voirie", "consent": "letter"},
    )
    assert response.status_code == 200
    assert "n'a encore aucun médiateur sur la plateforme" in text(response)
    assert not Referral.objects.exists() and not case.events.exists()


def test_the_receiving_agents_are_told_of_the_proposal_without_the_case_content(
    agent, case, other_authority, other_agent
):
    second = member_of(other_authority, Role.MAIN_AGENT)
    gone = member_of(other_authority, Role.AGENT)
    gone.is_active = False
    gone.save()
    member_of(other_authority, Role.EDITOR)
    referral = propose(agent, case, other_authority)
    emails = Message.objects.filter(template="referral_proposed").order_by("pk")
    assert [email.to for email in emails] == [[other_agent.email], [second.email]]
    email = emails[0]
    assert f"Ville de Démo vous propose le dossier n°{case.number}" == email.subject
    assert reverse("referral_detail", args=[referral.pk]) in email.text
    assert "Prudence" not in email.text + email.html and "voirie" not in email.text  # no citizen, no note
    assert not email.cases.exists()  # not on the case's thread


def test_each_step_of_a_referral_is_in_both_audit_logs(agent, case, other_authority, other_agent):
    from cases.audit.models import Action, AuditEntry

    service.withdraw(agent, propose(agent, case, other_authority))
    service.decline(other_agent, propose(agent, case, other_authority), "Non")
    service.accept(other_agent, propose(agent, case, other_authority))
    rows = AuditEntry.objects.filter(case_number=case.number).order_by("seq")
    assert [(row.action, row.actor_id, row.authority_id) for row in rows] == [
        (Action.REFERRAL_PROPOSED, agent.pk, case.authority_id),
        (Action.REFERRAL_WITHDRAWN, agent.pk, case.authority_id),
        (Action.REFERRAL_PROPOSED, agent.pk, case.authority_id),
        (Action.REFERRAL_DECLINED, other_agent.pk, case.authority_id),
        (Action.REFERRAL_PROPOSED, agent.pk, case.authority_id),
        (Action.REFERRAL_ACCEPTED, other_agent.pk, case.authority_id),
        (Action.REFERRAL_ACCEPTED, other_agent.pk, other_authority.pk),
    ]
    assert rows.last().detail == {"from": case.authority_id, "to": other_authority.pk}


def test_one_open_proposal_per_case(agent, case, other_authority, other_agent):
    third = AuthorityFactory(name="Département", slug="departement")
    member_of(third, Role.AGENT)
    propose(agent, case, other_authority)
    with pytest.raises(ValidationError, match="attend déjà une réponse"):
        propose(agent, case, third)
    assert Referral.objects.count() == 1


def test_only_an_agent_of_an_open_case_proposes(editor, main_agent, agent, case, other_authority, other_agent):
    with pytest.raises(PermissionDenied):
        propose(editor, case, other_authority)
    with pytest.raises(PermissionDenied):
        propose(other_agent, case, other_authority)
    with pytest.raises(ValidationError, match="propre|autre collectivité"):
        propose(agent, case, case.authority)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now(), status=Status.CLOSED, outcome=Outcome.values[0])
    with pytest.raises(ValidationError, match="clôturé"):
        propose(main_agent, reload(case), other_authority)
    assert not Referral.objects.exists()


# Withdrawing ---------------------------------------------------------------------------------------------


def test_the_sender_withdraws_before_the_answer(client, agent, main_agent, case, other_authority, other_agent):
    referral = propose(agent, case, other_authority)
    client.force_login(main_agent)  # any agent of the sending authority
    page = client.get(reverse("case:referral_propose", args=[case.number]))
    assert "Retirer la proposition" in text(page)
    response = client.post(reverse("case:referral_withdraw", args=[case.number]))
    assert response.url == reverse("case:detail", args=[case.number])
    referral.refresh_from_db()
    assert (referral.status, referral.answered_by) == (State.WITHDRAWN, main_agent)
    assert referral.answered_at is not None
    assert kinds(case) == [CaseEvent.Kind.REFERRAL_PROPOSED, CaseEvent.Kind.REFERRAL_WITHDRAWN]
    assert "Voir ou retirer la proposition" not in text(client.get(reverse("case:detail", args=[case.number])))
    with pytest.raises(ValidationError, match="retirée"):
        service.accept(other_agent, referral)
    propose(agent, case, other_authority)  # a new proposal may follow


def test_the_receiving_authority_cannot_withdraw(agent, case, other_authority, other_agent):
    referral = propose(agent, case, other_authority)
    with pytest.raises(PermissionDenied):
        service.withdraw(other_agent, referral)


# Accepting -----------------------------------------------------------------------------------------------


def test_accepted_the_case_moves_keeps_its_history_and_starts_again(
    client, committed, agent, case, other_authority, other_agent
):
    note = NoteFactory(case=case, content="<p>Note de suivi</p>")
    document = AttachmentFactory(case=case, name="piece.pdf")
    message = MessageFactory(cases=[case], subject="Réponse du requérant")
    reply_address = case.reply_address
    referral = propose(agent, case, other_authority)
    client.force_login(other_agent)
    with committed():
        response = client.post(reverse("referral_accept", args=[referral.pk]))
    assert response.url == reverse("case:detail", args=[case.number])
    moved = reload(case)
    assert moved.authority == other_authority and moved.number == case.number
    assert (moved.assignee, moved.status, moved.due_date, moved.competent) == (None, Status.TO_PROCESS, None, None)
    assert moved.domain is None  # the sending authority's own list item is not the new one's
    assert moved.reply_address == reply_address
    assert list(moved.notes.all()) == [note] and list(moved.attachments.filter(message=None)) == [document]
    assert message in moved.messages.all()
    referral.refresh_from_db()
    assert (referral.status, referral.answered_by) == (State.ACCEPTED, other_agent)
    event = moved.events.get(kind=CaseEvent.Kind.REFERRAL_ACCEPTED)
    changed = {change["field"]: change["new"] for change in event.data["changes"]}
    assert changed["authority"] == "Autre Ville" and changed["status"] == "À traiter"
    page = text(client.get(reverse("case:detail", args=[case.number])))
    assert "Prudence" in page and "Note de suivi" in page and "Réponse du requérant" in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="search rows exist on PostgreSQL only")
def test_the_case_is_found_by_its_new_authority_only(committed, authority, agent, other_authority, other_agent):
    with committed():
        case = CaseFactory(authority=authority)
    referral = propose(agent, case, other_authority)
    with committed():
        service.accept(other_agent, referral)
    assert CaseSearch.objects.get(case=case).authority_id == other_authority.pk


def test_the_citizen_is_told_who_now_handles_the_request(committed, agent, case, other_authority, other_agent):
    referral = propose(agent, case, other_authority)
    with committed():
        service.accept(other_agent, referral)
    email = Message.objects.get(template="case_referred")
    assert email.to == ["prudence@exemple.fr"]
    assert "Autre Ville" in email.subject and "Autre Ville" in email.text and "Autre Ville" in email.html
    assert "Ville de Démo a transmis votre demande" in email.text
    assert email.reply_to == case.reply_address  # replies still reach the case
    assert email in reload(case).messages.all()  # on the case's thread, which the new authority reads


def test_a_citizen_without_email_gets_nothing(agent, case, other_authority, other_agent):
    case.citizen.email = ""
    case.citizen.phone = "+33612345678"
    case.citizen.save()
    service.accept(other_agent, propose(agent, case, other_authority))
    assert not Message.objects.filter(template="case_referred").exists()


def test_the_sender_keeps_only_the_line_and_is_told(client, agent, case, other_authority, other_agent):
    referral = propose(agent, case, other_authority)
    service.accept(other_agent, referral)
    told = Message.objects.get(template="referral_answered")
    assert told.to == [agent.email] and "acceptée" in told.subject
    assert "Prudence" not in told.text
    client.force_login(agent)
    assert client.get(reverse("case:detail", args=[case.number])).status_code == 404
    listing = text(client.get(reverse("referrals")))
    assert f"Dossier n°{case.number}" in listing and "Transmis à Autre Ville le" in listing
    assert "Acceptée le" in listing
    assert f'href="{reverse("case:detail", args=[case.number])}"' not in listing
    assert "Prudence" not in listing


def test_only_the_receiving_authority_answers(agent, main_agent, case, other_authority, other_agent):
    referral = propose(agent, case, other_authority)
    for outsider in (agent, main_agent):
        with pytest.raises(PermissionDenied):
            service.accept(outsider, referral)
        with pytest.raises(PermissionDenied):
            service.decline(outsider, referral, "Non")
    assert Referral.objects.get().status == State.PROPOSED


def test_a_case_closed_since_the_proposal_is_not_accepted(agent, case, other_authority, other_agent):
    referral = propose(agent, case, other_authority)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now(), status=Status.CLOSED, outcome=Outcome.values[0])
    with pytest.raises(ValidationError, match="clôturé"):
        service.accept(other_agent, referral)
    assert reload(case).authority_id == case.authority_id


# Declining -----------------------------------------------------------------------------------------------


def test_declined_the_case_stays_and_the_sender_is_told_why(client, agent, case, other_authority, other_agent):
    referral = propose(agent, case, other_authority)
    client.force_login(other_agent)
    response = client.post(reverse("referral_decline", args=[referral.pk]), {"answer_reason": ""})
    assert response.status_code == 200 and "Indiquez le motif du refus." in text(response)
    response = client.post(reverse("referral_decline", args=[referral.pk]), {"answer_reason": "Hors de notre ressort"})
    assert response.url == reverse("referrals")
    referral.refresh_from_db()
    assert (referral.status, referral.answer_reason, referral.answered_by) == (
        State.DECLINED,
        "Hors de notre ressort",
        other_agent,
    )
    stayed = reload(case)
    assert (stayed.authority_id, stayed.assignee_id, stayed.status) == (case.authority_id, agent.pk, case.status)
    assert kinds(case) == [CaseEvent.Kind.REFERRAL_PROPOSED, CaseEvent.Kind.REFERRAL_DECLINED]
    assert "Hors de notre ressort" in case.events.get(kind=CaseEvent.Kind.REFERRAL_DECLINED).detail
    told = Message.objects.get(template="referral_answered")
    assert told.to == [agent.email] and "refusée" in told.subject and "Hors de notre ressort" in told.text
    assert reverse("case:detail", args=[case.number]) in told.text
    assert client.get(reverse("case:detail", args=[case.number])).status_code == 404  # still not theirs
    with pytest.raises(ValidationError, match="refusée"):
        service.accept(other_agent, referral)


# The receiving authority's dashboard and proposal page ------------------------------------------------------


def test_the_proposal_waits_on_the_receiving_dashboard_with_a_summary_only(
    client, agent, case, other_authority, other_agent
):
    NoteFactory(case=case, content="<p>Secret de médiation</p>")
    referral = propose(agent, case, other_authority, note="Route départementale 12")
    client.force_login(other_agent)
    dashboard = text(client.get(reverse("wagtailadmin_home")))
    assert "Dossiers proposés par d'autres collectivités" in dashboard
    assert f"Dossier n°{case.number}" in dashboard and "Ville de Démo" in dashboard
    assert reverse("referral_detail", args=[referral.pk]) in dashboard
    page = text(client.get(reverse("referral_detail", args=[referral.pk])))
    assert "Route départementale 12" in page and "Hors du territoire de la collectivité" in page
    assert "Cantine de la ville" in page and "Recueilli par téléphone" in page
    assert "Accepter le dossier" in page and "Refuser la transmission" in page
    for secret in ("Prudence", "Martin", "prudence@exemple.fr", "Secret de médiation", case.description[:30]):
        assert secret not in page
    service.withdraw(agent, referral)
    assert "Dossiers proposés" not in text(client.get(reverse("wagtailadmin_home")))
    assert "Accepter le dossier" not in text(client.get(reverse("referral_detail", args=[referral.pk])))


def test_the_sending_dashboard_has_no_panel(client, agent, case, other_authority, other_agent):
    propose(agent, case, other_authority)
    client.force_login(agent)
    assert "Dossiers proposés par d'autres collectivités" not in text(client.get(reverse("wagtailadmin_home")))


def test_the_list_of_referrals_filters_by_direction(client, agent, case, other_authority, other_agent):
    propose(agent, case, other_authority)
    client.force_login(other_agent)
    assert f"Dossier n°{case.number}" in text(client.get(reverse("referrals") + "?sens=recues"))
    sent = text(client.get(reverse("referrals") + "?sens=envoyees"))
    assert f"Dossier n°{case.number}" not in sent and "Aucune transmission envoyée" in sent


# Statistics ----------------------------------------------------------------------------------------------------


def test_figures_count_sent_received_accepted_and_declined(agent, authority, case, other_authority, other_agent):
    service.accept(other_agent, propose(agent, case, other_authority))
    second = CaseFactory(authority=authority)
    service.decline(other_agent, propose(agent, second, other_authority), "Non")
    third = CaseFactory(authority=authority)
    service.withdraw(agent, propose(agent, third, other_authority))
    assert figures([authority.pk]) == {
        "sent": 3,
        "sent_accepted": 1,
        "sent_declined": 1,
        "received": 0,
        "received_accepted": 0,
        "received_declined": 0,
    }
    assert figures([other_authority.pk])["received"] == 3
    assert figures([other_authority.pk])["received_accepted"] == 1
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert figures([authority.pk], since=tomorrow)["sent"] == 0
