"""Invitations (authorities/invitations.py): hashed one-use tokens, 7-day expiry, every pending one applied."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from authorities import invitations
from authorities.models import Invitation, Membership, Role
from authorities.permissions import is_platform_admin
from cases.models import Message
from tests.factories import UserFactory  # noqa: F401

STRONG = "lanterne-violette-azimut-9"


def token_from_email(email: str) -> str:
    message = Message.objects.filter(to=[email], template__startswith="invitation_").latest("pk")
    return re.search(r"/admin/inscription/([\w-]+)/", message.text).group(1)


def invite(email, role, authority, issued_by):
    return invitations.invite(email=email, role=role, authority=authority, issued_by=issued_by)


def test_the_token_is_stored_hashed_and_sent_once_by_email(authority, main_agent):
    outcome = invite("Nouvelle@Exemple.fr ", Role.AGENT, authority, main_agent)
    invitation = outcome.invitation
    assert invitation.email == "nouvelle@exemple.fr"
    token = token_from_email("nouvelle@exemple.fr")
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert Message.objects.filter(to=["nouvelle@exemple.fr"]).count() == 1
    message = Message.objects.get(to=["nouvelle@exemple.fr"])
    assert message.subject == "Inscription sur la plateforme"
    assert authority.name in message.text and "Médiateur" in message.text


def test_the_link_is_valid_seven_days(authority, main_agent):
    invitation = invite("a@exemple.fr", Role.AGENT, authority, main_agent).invitation
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)


def test_expired_invitation_is_refused(authority, main_agent):
    invite("a@exemple.fr", Role.AGENT, authority, main_agent)
    token = token_from_email("a@exemple.fr")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(invitations.InvitationError, match="expiré"):
        invitations.find(token)


def test_reused_invitation_is_refused(authority, main_agent):
    invite("a@exemple.fr", Role.AGENT, authority, main_agent)
    token = token_from_email("a@exemple.fr")
    invitations.sign_up(token, email="a@exemple.fr", first_name="Anne", last_name="Durand", password=STRONG)
    with pytest.raises(invitations.InvitationError, match="déjà été utilisée"):
        invitations.sign_up(token, email="a@exemple.fr", first_name="Anne", last_name="Durand", password=STRONG)


def test_cancelled_invitation_is_refused(authority, main_agent):
    invitation = invite("a@exemple.fr", Role.AGENT, authority, main_agent).invitation
    token = token_from_email("a@exemple.fr")
    assert invitations.cancel(invitation, by=main_agent)
    assert not invitations.cancel(invitation, by=main_agent)
    with pytest.raises(invitations.InvitationError, match="annulée"):
        invitations.find(token)


def test_invitation_cannot_be_used_for_another_email(authority, main_agent):
    invite("a@exemple.fr", Role.AGENT, authority, main_agent)
    token = token_from_email("a@exemple.fr")
    with pytest.raises(invitations.InvitationError, match="ne correspond pas"):
        invitations.sign_up(token, email="b@exemple.fr", first_name="B", last_name="B", password=STRONG)
    assert not Membership.objects.filter(user__email="b@exemple.fr").exists()


def test_unknown_token_is_refused(db):
    with pytest.raises(invitations.InvitationError, match="pas valide"):
        invitations.find("inconnu")


def test_a_second_pending_invitation_for_the_same_team_is_refused(authority, main_agent):
    invite("a@exemple.fr", Role.AGENT, authority, main_agent)
    with pytest.raises(invitations.InvitationError, match="déjà en attente"):
        invite("A@exemple.fr", Role.EDITOR, authority, main_agent)


def test_accepting_applies_every_pending_invitation_for_the_email(
    authority, other_authority, main_agent, platform_admin
):
    invite("multi@exemple.fr", Role.AGENT, authority, main_agent)
    first_token = token_from_email("multi@exemple.fr")
    invite("multi@exemple.fr", Role.EDITOR, other_authority, platform_admin)
    invite("multi@exemple.fr", "", None, platform_admin)
    user = invitations.sign_up(first_token, email="multi@exemple.fr", first_name="M", last_name="Ulti", password=STRONG)
    roles = dict(Membership.objects.filter(user=user).values_list("authority__slug", "role"))
    assert roles == {"demo": Role.AGENT, "autre": Role.EDITOR}
    assert is_platform_admin(user)
    assert not invitations.pending().filter(email="multi@exemple.fr").exists()
    assert Message.objects.filter(to=["multi@exemple.fr"], template="signup_confirmation").count() == 1


def test_inviting_an_existing_user_adds_the_membership_at_once(authority, main_agent, other_agent):
    outcome = invite(other_agent.email, Role.AGENT, authority, main_agent)
    assert outcome.added_directly
    assert Membership.objects.filter(user=other_agent, authority=authority, role=Role.AGENT).exists()
    assert not Invitation.objects.exists()
    welcome = Message.objects.get(to=[other_agent.email])
    assert welcome.template == "welcome_member" and authority.name in welcome.text


def test_inviting_an_existing_member_is_refused(authority, main_agent, agent):
    with pytest.raises(invitations.InvitationError, match="déjà partie"):
        invite(agent.email, Role.EDITOR, authority, main_agent)


def test_inviting_an_existing_user_as_admin_grants_at_once(platform_admin, agent):
    invite(agent.email, "", None, platform_admin)
    assert is_platform_admin(agent)
    assert Message.objects.get(to=[agent.email]).template == "admin_granted"


def test_a_main_agent_invitation_hands_over_the_role(authority, main_agent, platform_admin):
    invite("chef@exemple.fr", Role.MAIN_AGENT, authority, platform_admin)
    user = invitations.sign_up(
        token_from_email("chef@exemple.fr"), email="chef@exemple.fr", first_name="C", last_name="Hef", password=STRONG
    )
    assert Membership.objects.get(user=user).role == Role.MAIN_AGENT
    assert Membership.objects.get(user=main_agent).role == Role.AGENT


def test_who_may_invite_what(authority, other_authority, main_agent, agent, platform_admin):
    assert invitations.can_invite(main_agent, Role.AGENT, authority)
    assert invitations.can_invite(main_agent, Role.EDITOR, authority)
    assert not invitations.can_invite(main_agent, Role.MAIN_AGENT, authority)
    assert not invitations.can_invite(main_agent, Role.AGENT, other_authority)
    assert not invitations.can_invite(main_agent, "", None)
    assert not invitations.can_invite(agent, Role.AGENT, authority)
    assert invitations.can_invite(platform_admin, Role.MAIN_AGENT, authority)
    assert invitations.can_invite(platform_admin, "", None)


def test_tokens_never_reach_the_logs(authority, main_agent, caplog):
    caplog.set_level("DEBUG")
    invite("log@exemple.fr", Role.AGENT, authority, main_agent)
    token = token_from_email("log@exemple.fr")
    assert token not in caplog.text
