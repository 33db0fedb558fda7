"""A main agent resets a member's lost two-factor from the team page, as deployed (confirmation, then done)."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.browser import sign_in_to_dashboard
from tests.production.watch import assert_admin_page_styled


def test_a_main_agent_resets_a_member_s_two_factor(page, authority, main_agent, agent):
    TOTPDevice.objects.create(user=agent, name="Téléphone", confirmed=True)

    sign_in_to_dashboard(page, main_agent)
    page.goto(f"/admin/equipe/{authority.pk}/")
    assert_admin_page_styled(page)
    page.get_by_role("link", name=f"Réinitialiser la double authentification : {agent}").click()
    page.get_by_text("seront supprimés").wait_for()
    assert_admin_page_styled(page)
    page.get_by_role("button", name="Oui, réinitialiser").click()
    page.get_by_text(f"La double authentification de {agent} est réinitialisée.").wait_for()
    assert_admin_page_styled(page)
    assert not TOTPDevice.objects.filter(user=agent).exists()
