"""People and access in Wagtail's admin: authorities, teams, platform admins, two-factor, password change."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.account import ChangePasswordPanel

from authorities.forms import PasswordChangeForm
from authorities.models import Role
from authorities.permissions import authority_ids_as, is_platform_admin
from authorities.team import managed_authorities
from authorities.views import team, two_factor
from authorities.views.authorities import authority_viewset

team_urls = [
    path("", team.team_index, name="authorities_team_index"),
    path("<int:authority_id>/", team.TeamView.as_view(), name="authorities_team"),
    path("<int:authority_id>/inviter/", team.InviteMemberView.as_view(), name="authorities_invite_member"),
    path(
        "<int:authority_id>/membres/<int:membership_id>/principal/",
        team.NameMainAgentView.as_view(),
        name="authorities_name_main_agent",
    ),
    path(
        "<int:authority_id>/membres/<int:membership_id>/retirer/",
        team.RemoveMemberView.as_view(),
        name="authorities_remove_member",
    ),
    path(
        "<int:authority_id>/membres/<int:membership_id>/double-authentification/",
        team.ResetTwoFactorView.as_view(),
        name="authorities_reset_two_factor",
    ),
    path(
        "<int:authority_id>/invitations/<int:invitation_id>/annuler/",
        team.CancelInvitationView.as_view(),
        name="authorities_cancel_invitation",
    ),
]

admins_urls = [
    path("", team.PlatformAdminsView.as_view(), name="authorities_platform_admins"),
    path("inviter/", team.InviteAdminView.as_view(), name="authorities_invite_admin"),
    path("<int:user_id>/revoquer/", team.RevokeAdminView.as_view(), name="authorities_revoke_admin"),
    path(
        "invitations/<int:invitation_id>/annuler/",
        team.CancelAdminInvitationView.as_view(),
        name="authorities_cancel_admin_invitation",
    ),
]

two_factor_urls = [
    path("", two_factor.TwoFactorStatusView.as_view(), name="authorities_two_factor"),
    path("configurer/", two_factor.TwoFactorSetupView.as_view(), name="authorities_two_factor_setup"),
    path("verifier/", two_factor.TwoFactorVerifyView.as_view(), name="authorities_two_factor_verify"),
    path("codes-de-secours/", two_factor.RecoveryCodesView.as_view(), name="authorities_recovery_codes"),
    path("desactiver/", two_factor.TwoFactorDisableView.as_view(), name="authorities_two_factor_disable"),
]


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("equipe/", include(team_urls)),
        path("administrateurs/", include(admins_urls)),
        path("double-authentification/", include(two_factor_urls)),
    ]


@hooks.register("register_admin_viewset")
def register_authority_viewset():
    return authority_viewset


class TeamMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        """Main agents (from the memberships every admin page reads once), and platform admins."""
        if is_platform_admin(request.user):
            return managed_authorities(request.user).exists()
        return bool(authority_ids_as(request.user, (Role.MAIN_AGENT,)))


class PlatformAdminsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return is_platform_admin(request.user)


@hooks.register("register_admin_menu_item")
def team_menu_item():
    return TeamMenuItem("Équipe", reverse("authorities_team_index"), icon_name="group", order=910)


@hooks.register("register_admin_menu_item")
def platform_admins_menu_item():
    return PlatformAdminsMenuItem(
        "Administrateurs", reverse("authorities_platform_admins"), icon_name="crosshairs", order=920
    )


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("authorities_two_factor"),
        "label": "Double authentification",
        "help_text": "Protégez votre compte par un code à usage unique en plus du mot de passe.",
    }


class PasswordPanel(ChangePasswordPanel):
    """Wagtail's password panel with our form (rules shown, email sent). Wagtail's own is switched off
    (WAGTAIL_PASSWORD_MANAGEMENT_ENABLED=False) so that this one is the only way to change a password."""

    form_class = PasswordChangeForm

    def is_active(self) -> bool:
        return self.user.has_usable_password()


@hooks.register("register_account_settings_panel")
def password_panel(request, user, profile):
    return PasswordPanel(request, user, profile)


@hooks.register("insert_global_admin_js")
def password_hints_script():
    from django.templatetags.static import static

    return f'<script src="{static("authorities/password-hints.js")}" defer></script>'


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("authorities.main_agent", "Nommer le médiateur principal", "Médiateur principal nommé")
    actions.register_action("authorities.remove_member", "Retirer un membre", "Membre retiré de l'équipe")
