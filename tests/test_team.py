"""The team page (/admin/equipe/<id>/): members and counts, invitations, naming the main agent, removing a member."""

import pytest
from django.db import IntegrityError, transaction
from wagtail.models import ModelLogEntry

from authorities.models import Invitation, Membership, Role
from authorities.team import TeamError, name_main_agent, remove_member
from cases.models import Message
from tests.factories import CaseFactory, MembershipFactory


def team_url(authority) -> str:
    return f"/admin/equipe/{authority.pk}/"


def test_main_agent_sees_members_with_roles_and_case_counts(client, authority, main_agent, agent, editor):
    CaseFactory.create_batch(2, authority=authority, assignee=agent)
    closed = CaseFactory(authority=authority, assignee=agent)
    type(closed).objects.filter(pk=closed.pk).update(closed_at="2026-01-02T10:00:00Z", outcome="agreement")
    client.force_login(main_agent)
    response = client.get(team_url(authority))
    assert response.status_code == 200
    members = {m.user_id: m for m in response.context["members"]}
    assert [m.role for m in response.context["members"]][0] == Role.MAIN_AGENT
    assert (members[agent.pk].open_cases, members[agent.pk].closed_cases) == (2, 1)
    content = response.content.decode()
    for text in ("Médiateur principal", "Médiateur", "Éditeur", agent.email, editor.email):
        assert text in content


def test_the_menu_leads_the_main_agent_to_their_team(client, authority, main_agent):
    client.force_login(main_agent)
    response = client.get("/admin/equipe/")
    assert response.status_code == 302 and response.url == team_url(authority)


def test_main_agent_invites_an_agent(client, authority, main_agent):
    client.force_login(main_agent)
    response = client.post(f"{team_url(authority)}inviter/", {"email": "recrue@exemple.fr", "role": Role.AGENT})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="recrue@exemple.fr")
    assert (invitation.authority, invitation.role, invitation.issued_by) == (authority, Role.AGENT, main_agent)
    assert "recrue@exemple.fr" in client.get(team_url(authority)).content.decode()


def test_main_agent_cannot_invite_a_main_agent(client, authority, main_agent):
    client.force_login(main_agent)
    response = client.post(f"{team_url(authority)}inviter/", {"email": "chef@exemple.fr", "role": Role.MAIN_AGENT})
    assert response.status_code == 200  # the choice is not offered
    assert not Invitation.objects.exists()


def test_platform_admin_invites_a_main_agent(client, authority, platform_admin):
    client.force_login(platform_admin)
    client.post(f"{team_url(authority)}inviter/", {"email": "chef@exemple.fr", "role": Role.MAIN_AGENT})
    assert Invitation.objects.get(email="chef@exemple.fr").role == Role.MAIN_AGENT


def test_cancel_a_pending_invitation(client, authority, main_agent):
    client.force_login(main_agent)
    client.post(f"{team_url(authority)}inviter/", {"email": "recrue@exemple.fr", "role": Role.EDITOR})
    invitation = Invitation.objects.get()
    response = client.post(f"{team_url(authority)}invitations/{invitation.pk}/annuler/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None


def test_name_another_main_agent_after_confirmation(client, authority, main_agent, agent):
    membership = agent.memberships.get()
    client.force_login(main_agent)
    url = f"{team_url(authority)}membres/{membership.pk}/principal/"
    confirmation = client.get(url).content.decode()
    assert "en tant que médiateur" in confirmation and "restera dans" in confirmation
    assert client.post(url).status_code == 302
    assert Membership.objects.get(user=agent).role == Role.MAIN_AGENT
    assert Membership.objects.get(user=main_agent).role == Role.AGENT
    assert ModelLogEntry.objects.filter(action="authorities.main_agent", object_id=str(authority.pk)).exists()


def test_an_editor_cannot_be_named_main_agent(client, authority, main_agent, editor):
    membership = editor.memberships.get()
    client.force_login(main_agent)
    assert f"/membres/{membership.pk}/principal/" not in client.get(team_url(authority)).content.decode()
    response = client.post(f"{team_url(authority)}membres/{membership.pk}/principal/", follow=True)
    assert "seul un médiateur peut devenir médiateur principal" in response.content.decode()
    assert Membership.objects.get(user=editor).role == Role.EDITOR
    assert Membership.objects.get(user=main_agent).role == Role.MAIN_AGENT


def test_names_in_action_labels_are_for_screen_readers_only(client, authority, main_agent, agent):
    client.force_login(main_agent)
    content = client.get(team_url(authority)).content.decode()
    assert f'Retirer de l\'équipe<span class="w-sr-only"> : {agent}</span>' in content


def test_the_database_keeps_one_main_agent(authority, main_agent, agent):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=agent).update(role=Role.MAIN_AGENT)
    name_main_agent(agent.memberships.get(), by=main_agent)
    assert Membership.objects.filter(authority=authority, role=Role.MAIN_AGENT).count() == 1


def test_remove_a_member_unassigns_their_cases_and_tells_them(client, authority, other_authority, main_agent, agent):
    own = CaseFactory.create_batch(2, authority=authority, assignee=agent)
    MembershipFactory(user=agent, authority=other_authority)
    elsewhere = CaseFactory(authority=other_authority, assignee=agent)
    client.force_login(main_agent)
    membership = agent.memberships.get(authority=authority)
    response = client.post(f"{team_url(authority)}membres/{membership.pk}/retirer/")
    assert response.status_code == 302
    assert not Membership.objects.filter(user=agent, authority=authority).exists()
    assert all(type(case).objects.get(pk=case.pk).assignee is None for case in own)
    assert type(elsewhere).objects.get(pk=elsewhere.pk).assignee == agent
    email = Message.objects.get(to=[agent.email], template="access_removed")
    assert email.subject == "Changement d'accès" and authority.name in email.text


def test_the_main_agent_cannot_be_removed(authority, main_agent, platform_admin):
    with pytest.raises(TeamError):
        remove_member(main_agent.memberships.get(), removed_by=platform_admin)
    assert Membership.objects.filter(user=main_agent).exists()


def test_a_member_of_another_authority_is_a_404(client, authority, other_authority, main_agent, other_agent):
    client.force_login(main_agent)
    membership = other_agent.memberships.get()
    assert client.get(f"{team_url(authority)}membres/{membership.pk}/retirer/").status_code == 404
    assert client.post(f"{team_url(authority)}membres/{membership.pk}/retirer/").status_code == 404
    assert client.post(f"{team_url(other_authority)}membres/{membership.pk}/retirer/").status_code == 404
    assert Membership.objects.filter(user=other_agent).exists()


def test_platform_admin_manages_admins(client, platform_admin, agent):
    client.force_login(platform_admin)
    client.post("/admin/administrateurs/inviter/", {"email": agent.email})
    assert Message.objects.filter(to=[agent.email], template="admin_granted").exists()
    assert agent.email in client.get("/admin/administrateurs/").content.decode()
    assert client.post(f"/admin/administrateurs/{agent.pk}/revoquer/").status_code == 302
    assert Message.objects.filter(to=[agent.email], template="admin_revoked").exists()
    from authorities.permissions import is_platform_admin

    assert not is_platform_admin(agent)


def test_an_admin_cannot_revoke_themself(client, platform_admin):
    client.force_login(platform_admin)
    assert client.post(f"/admin/administrateurs/{platform_admin.pk}/revoquer/").status_code == 404
