"""A main agent (or a platform admin) resets a member's lost two-factor: the devices go, the log says who.

The URL's access rows (six roles) are in test_people_access_matrix.py.
"""

from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from authorities.models import Membership
from authorities.permissions import grant_platform_admin
from cases.audit.models import Action, AuditEntry
from tests.workspace_factories import fast_passwords  # noqa: F401


def set_up_devices(user) -> None:
    """The user's authenticator and recovery codes; `force_login` then passes the second factor too."""
    user.otp_device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    StaticDevice.objects.create(user=user, name="Codes de secours", confirmed=True)


def reset_url(membership: Membership) -> str:
    return reverse("authorities_reset_two_factor", args=[membership.authority_id, membership.pk])


def test_the_main_agent_resets_a_member_s_two_factor(client, authority, main_agent, agent):
    set_up_devices(agent)
    membership = agent.memberships.get()
    client.force_login(main_agent)
    team = client.get(reverse("authorities_team", args=[authority.pk])).content.decode()
    assert reset_url(membership) in team
    assert "seront supprimés" in client.get(reset_url(membership)).content.decode()

    response = client.post(reset_url(membership))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=agent).exists() and not StaticDevice.objects.filter(user=agent).exists()
    entry = AuditEntry.objects.get(action=Action.TWO_FACTOR_RESET)
    assert (entry.actor_id, entry.authority_id, entry.object_id) == (main_agent.pk, authority.pk, str(agent.pk))
    assert reset_url(membership) not in client.get(reverse("authorities_team", args=[authority.pk])).content.decode()


def test_a_platform_admin_s_two_factor_is_reset_by_another_platform_admin_only(
    client, authority, main_agent, agent, platform_admin
):
    grant_platform_admin(agent)
    set_up_devices(agent)
    membership = agent.memberships.get()
    client.force_login(main_agent)
    page = client.post(reset_url(membership), follow=True).content.decode()
    assert "seul un administrateur peut réinitialiser" in page
    assert TOTPDevice.objects.filter(user=agent).exists()
    assert not AuditEntry.objects.filter(action=Action.TWO_FACTOR_RESET).exists()

    client.force_login(platform_admin)
    client.post(reset_url(membership))
    assert not TOTPDevice.objects.filter(user=agent).exists()


def test_one_s_own_two_factor_is_not_reset_from_the_team(client, authority, main_agent):
    set_up_devices(main_agent)
    client.force_login(main_agent)
    page = client.post(reset_url(main_agent.memberships.get()), follow=True).content.decode()
    assert "se gère depuis votre compte" in page
    assert TOTPDevice.objects.filter(user=main_agent).exists()
