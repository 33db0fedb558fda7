"""Each security-relevant event writes its audit row where it happens (issue #14, item 6).

Each test does the thing the way a user does it (a page, a download, a form) and checks the one row it
wrote: action, actor, authority, object, client IP, and that no personal value (a searched term, a file
name, a hold's reason) is in it.
"""

import json
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from authorities import invitations
from authorities.models import Invitation, Membership, Role
from cases.audit.chain import verify
from cases.audit.models import Action, AuditEntry
from cases.choices import Outcome, Status
from cases.models import Case
from cases.privacy.anonymise import anonymise_due
from cases.privacy.hold import lift_hold, place_hold
from tests.factories import CaseFactory, MembershipFactory, UserFactory
from tests.test_invitations import STRONG, token_from_email
from tests.test_team import team_url
from tests.test_two_factor import STATUS, set_up, sign_in
from tests.workspace_factories import AttachmentFactory, MessageFactory

CASE = "/admin/dossiers/{}/"


def only_row(action: Action) -> AuditEntry:
    rows = list(AuditEntry.objects.filter(action=action))
    assert len(rows) == 1, rows
    return rows[0]


def assert_row(row: AuditEntry, actor, authority, object_type: str, object_id, *, ip: str = "127.0.0.1") -> None:
    assert (row.actor_id, row.actor_label) == ((actor.pk, actor.email) if actor else (None, ""))
    assert row.authority_id == (authority.pk if authority else None)
    assert (row.object_type, row.object_id) == (object_type, str(object_id))
    assert row.ip == ip


def assert_names_nothing(row: AuditEntry, *values: str) -> None:
    stored = json.dumps({field.attname: str(getattr(row, field.attname)) for field in AuditEntry._meta.fields})
    for value in values:
        assert value.lower() not in stored.lower(), value


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def main_client(client, main_agent):
    client.force_login(main_agent)
    return client


# Cases ------------------------------------------------------------------------------------------------


def test_opening_a_case_page(agent_client, authority, agent):
    case = CaseFactory(authority=authority, citizen__last_name="Zyxwar")
    assert agent_client.get(CASE.format(case.number)).status_code == 200
    row = only_row(Action.CASE_VIEWED)
    assert_row(row, agent, authority, "case", case.number)
    assert (row.case_number, row.object_label) == (case.number, f"Dossier n°{case.number}")
    assert_names_nothing(row, "Zyxwar")


def test_a_case_of_another_authority_opens_nothing_and_writes_nothing(agent_client, other_authority):
    case = CaseFactory(authority=other_authority)
    assert agent_client.get(CASE.format(case.number)).status_code == 404
    assert not AuditEntry.objects.exists()


def test_downloading_a_document(agent_client, authority, agent):
    case = CaseFactory(authority=authority)
    document = AttachmentFactory(case=case, name="certificat-medical-zyxwar.pdf")
    response = agent_client.get(f"{CASE.format(case.number)}documents/{document.pk}/")
    assert response.status_code == 200
    row = only_row(Action.DOCUMENT_DOWNLOADED)
    assert_row(row, agent, authority, "document", document.pk)
    assert row.case_number == case.number
    assert_names_nothing(row, "zyxwar", "certificat")


def test_downloading_a_file_of_a_message(agent_client, authority, agent):
    case = CaseFactory(authority=authority)
    message_file = AttachmentFactory(case=None, message=MessageFactory(cases=[case]), name="avis-zyxwar.pdf")
    response = agent_client.get(f"{CASE.format(case.number)}documents/{message_file.pk}/")
    assert response.status_code == 200
    row = only_row(Action.DOCUMENT_DOWNLOADED)
    assert_row(row, agent, authority, "document", message_file.pk)
    assert row.case_number == case.number
    assert_names_nothing(row, "zyxwar")


def test_downloading_the_synthesis(agent_client, authority, agent):
    case = CaseFactory(authority=authority, citizen__last_name="Zyxwar")
    response = agent_client.get(f"{CASE.format(case.number)}synthese.pdf")
    assert response.status_code == 200
    assert_row(only_row(Action.SYNTHESIS_DOWNLOADED), agent, authority, "case", case.number)


def test_a_search_is_recorded_without_its_term(agent_client, authority, other_authority, agent):
    MembershipFactory(user=agent, authority=other_authority, role=Role.AGENT)
    CaseFactory(authority=authority, citizen__last_name="Zyxwar")
    assert agent_client.get("/admin/dossiers/").status_code == 200
    assert not AuditEntry.objects.exists()  # the list alone is no search
    assert agent_client.get("/admin/dossiers/", {"q": "Zyxwar"}).status_code == 200
    rows = list(AuditEntry.objects.order_by("seq"))
    assert [row.action for row in rows] == [Action.SEARCHED, Action.SEARCHED]
    assert {row.authority_id for row in rows} == {authority.pk, other_authority.pk}  # one row per authority searched
    for row in rows:
        assert (row.actor_id, row.object_type, row.detail) == (agent.pk, "", {})
        assert_names_nothing(row, "Zyxwar")


def test_deleting_a_case(main_client, authority, main_agent):
    case = CaseFactory(authority=authority)
    number = case.number
    assert main_client.post(f"{CASE.format(number)}supprimer/").status_code == 302
    assert not Case.objects.filter(pk=number).exists()
    row = only_row(Action.CASE_DELETED)
    assert_row(row, main_agent, authority, "case", number)
    assert row.case_number == number


# Retention -----------------------------------------------------------------------------------------------


def test_placing_and_lifting_a_legal_hold(authority, main_agent):
    case = CaseFactory(authority=authority)
    place_hold(main_agent, case, "Contentieux Zyxwar au tribunal administratif")
    lift_hold(main_agent, case)
    for action in (Action.HOLD_PLACED, Action.HOLD_LIFTED):
        row = only_row(action)
        assert_row(row, main_agent, authority, "case", case.number, ip="")  # a service outside any request
        assert_names_nothing(row, "Zyxwar", "Contentieux")


def test_the_nightly_anonymisation_writes_one_row_per_case(authority, other_authority):
    cases = [CaseFactory(authority=authority), CaseFactory(authority=other_authority), CaseFactory(authority=authority)]
    closed_at = timezone.now() - relativedelta(months=30)
    Case.objects.filter(pk__in=[case.pk for case in cases[:2]]).update(
        closed_at=closed_at, status=Status.CLOSED, outcome=Outcome.values[0]
    )
    assert anonymise_due(batch_size=1) == 2
    rows = list(AuditEntry.objects.order_by("seq"))
    assert [row.action for row in rows] == [Action.CASE_ANONYMISED] * 2
    for row, case in zip(rows, cases[:2], strict=True):
        assert_row(row, None, case.authority, "case", case.number, ip="")
    assert anonymise_due() == 0
    assert AuditEntry.objects.count() == 2
    assert verify().ok


def test_an_erasure_request_names_who_asked(main_client, authority, main_agent):
    case = CaseFactory(authority=authority, citizen__first_name="Zoé", citizen__last_name="Zyxwar")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now(), status=Status.CLOSED, outcome=Outcome.values[0])
    main_client.get(reverse("case_subject_requests"), {"q": "Zoé Zyxwar"})
    searched = only_row(Action.SEARCHED)
    assert (searched.authority_id, searched.detail) == (authority.pk, {"search": "demande_rgpd"})
    assert_names_nothing(searched, "Zyxwar")
    assert main_client.post(reverse("case_subject_erase"), {"q": "Zoé Zyxwar"}).status_code == 302
    assert_row(only_row(Action.CASE_ANONYMISED), main_agent, authority, "case", case.number)


# Teams and invitations -----------------------------------------------------------------------------------


def test_naming_a_main_agent_records_both_role_changes(main_client, authority, main_agent, agent):
    membership = agent.memberships.get()
    assert main_client.post(f"{team_url(authority)}membres/{membership.pk}/principal/").status_code == 302
    rows = list(AuditEntry.objects.order_by("seq"))
    assert [row.action for row in rows] == [Action.ROLE_CHANGED, Action.ROLE_CHANGED]
    demoted, promoted = rows
    assert_row(demoted, main_agent, authority, "user", main_agent.pk)
    assert demoted.detail == {"role": Role.AGENT, "former_role": Role.MAIN_AGENT}
    assert_row(promoted, main_agent, authority, "user", agent.pk)
    assert promoted.detail == {"role": Role.MAIN_AGENT, "former_role": Role.AGENT}


def test_inviting_then_cancelling(main_client, authority, main_agent):
    main_client.post(f"{team_url(authority)}inviter/", {"email": "recrue@exemple.fr", "role": Role.EDITOR})
    invitation = Invitation.objects.get()
    row = only_row(Action.MEMBER_INVITED)
    assert_row(row, main_agent, authority, "invitation", invitation.pk)
    assert row.detail == {"role": Role.EDITOR}
    main_client.post(f"{team_url(authority)}invitations/{invitation.pk}/annuler/")
    main_client.post(f"{team_url(authority)}invitations/{invitation.pk}/annuler/")  # already cancelled: no row
    assert_row(only_row(Action.INVITATION_CANCELLED), main_agent, authority, "invitation", invitation.pk)


def test_an_invitation_accepted_adds_the_member(authority, main_agent):
    invitations.invite(email="recrue@exemple.fr", role=Role.AGENT, authority=authority, issued_by=main_agent)
    user = invitations.sign_up(
        token_from_email("recrue@exemple.fr"),
        email="recrue@exemple.fr",
        first_name="Anne",
        last_name="Durand",
        password=STRONG,
    )
    row = only_row(Action.MEMBER_ADDED)
    assert_row(row, user, authority, "user", user.pk, ip="")
    assert row.detail == {"role": Role.AGENT}


def test_inviting_an_existing_account_as_main_agent(authority, main_agent, platform_admin):
    existing = UserFactory()
    invitations.invite(email=existing.email, role=Role.MAIN_AGENT, authority=authority, issued_by=platform_admin)
    rows = list(AuditEntry.objects.order_by("seq"))
    assert [(row.action, row.object_id, row.detail) for row in rows] == [
        (Action.ROLE_CHANGED, str(main_agent.pk), {"role": Role.AGENT, "former_role": Role.MAIN_AGENT}),
        (Action.MEMBER_ADDED, str(existing.pk), {"role": Role.MAIN_AGENT}),
    ]
    assert {row.actor_id for row in rows} == {platform_admin.pk}


def test_removing_a_member(main_client, authority, main_agent, agent):
    CaseFactory(authority=authority, assignee=agent)
    membership = agent.memberships.get()
    assert main_client.post(f"{team_url(authority)}membres/{membership.pk}/retirer/").status_code == 302
    row = only_row(Action.MEMBER_REMOVED)
    assert_row(row, main_agent, authority, "user", agent.pk)
    assert row.detail == {"role": Role.AGENT, "unassigned_cases": 1}


def test_adding_and_revoking_a_platform_admin(client, platform_admin):
    colleague = UserFactory()
    invitations.invite(email=colleague.email, role="", authority=None, issued_by=platform_admin)
    assert_row(only_row(Action.MEMBER_ADDED), platform_admin, None, "user", colleague.pk, ip="")
    client.force_login(platform_admin)
    assert client.post(f"/admin/administrateurs/{colleague.pk}/revoquer/").status_code == 302
    row = only_row(Action.MEMBER_REMOVED)
    assert_row(row, platform_admin, None, "user", colleague.pk)
    assert row.detail == {"role": "platform_admin"}


# Two-factor sign-in ----------------------------------------------------------------------------------


def test_two_factor_on_codes_renewed_and_off(client, authority, other_authority, agent):
    MembershipFactory(user=agent, authority=other_authority, role=Role.EDITOR)
    sign_in(client, agent)
    codes = set_up(client, agent)
    client.post(f"{STATUS}codes-de-secours/")
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", client.get(STATUS).content.decode())
    client.post(f"{STATUS}desactiver/", {"token": codes[0]})
    assert not TOTPDevice.objects.filter(user=agent).exists()
    rows = list(AuditEntry.objects.order_by("seq"))
    expected = [Action.TWO_FACTOR_ENABLED, Action.RECOVERY_CODES_RENEWED, Action.TWO_FACTOR_DISABLED]
    assert [row.action for row in rows] == [action for action in expected for _ in range(2)]
    for row in rows:  # one row for each authority the agent belongs to, so each one's main agents read it
        assert_row(row, agent, authority if row.authority_id == authority.pk else other_authority, "user", agent.pk)
    assert {row.authority_id for row in rows} == {authority.pk, other_authority.pk}
    assert all(code not in json.dumps([row.detail for row in rows]) for code in codes)


def test_two_factor_of_a_platform_admin_is_one_row_without_authority(db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    admin_client = Client()
    sign_in(admin_client, admin)
    set_up(admin_client, admin)
    assert_row(only_row(Action.TWO_FACTOR_ENABLED), admin, None, "user", admin.pk)
    assert not Membership.objects.filter(user=admin).exists()
