"""The team page of an authority (main agent, platform admins) and the platform admins page (platform admins).

Anyone else gets a 404 for another authority's team, never a 403, so authority
ids cannot be probed. Every change is a POST with a CSRF token; naming a main
agent, removing a member and resetting their two-factor go through a confirmation page first.
"""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from authorities import invitations
from authorities.forms import AdminInvitationForm, InvitationForm
from authorities.models import Authority, Invitation, Membership, Role, User
from authorities.permissions import PLATFORM_ADMINS_GROUP, is_platform_admin, platform_admins, revoke_platform_admin
from authorities.team import (
    TeamError,
    can_manage_team,
    managed_authorities,
    members_with_counts,
    name_main_agent,
    reset_two_factor,
)
from authorities.team import remove_member as remove_member_service
from cases import audit
from cases.mail.outbound import queue_email

T = TypeVar("T")


class TeamMixin(WagtailAdminTemplateMixin):
    """Resolves the authority from the URL; only its main agent and platform admins get past this."""

    header_icon = "group"

    @cached_property
    def authority(self) -> Authority:
        authority = get_object_or_404(Authority, pk=self.kwargs["authority_id"])
        if not can_manage_team(self.request.user, authority):
            raise Http404
        return authority

    def dispatch(self, request, *args, **kwargs):
        self.authority  # noqa: B018 (404 before anything else)
        return super().dispatch(request, *args, **kwargs)

    def team_url(self) -> str:
        return reverse("authorities_team", args=[self.authority.pk])

    def get_breadcrumbs_items(self):
        items = [*super().get_breadcrumbs_items(), {"url": self.team_url(), "label": f"Équipe — {self.authority}"}]
        if self.page_title != "Équipe":
            items.append({"url": "", "label": self.get_page_title()})
        return items

    def get_context_data(self, **kwargs):
        return super().get_context_data(authority=self.authority, **kwargs)


def team_index(request):
    """The team of the only authority the user manages, or the list to choose from."""
    authorities = managed_authorities(request.user)
    if authorities.count() == 1:
        return redirect("authorities_team", authorities.get().pk)
    if not authorities.exists():
        raise Http404
    return TeamChooserView.as_view()(request)


class TeamChooserView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "authorities/team_chooser.html"
    page_title = "Équipes"
    header_icon = "group"

    def get_context_data(self, **kwargs):
        return super().get_context_data(authorities=managed_authorities(self.request.user), **kwargs)


class TeamView(TeamMixin, TemplateView):
    template_name = "authorities/team.html"
    page_title = "Équipe"

    def get_page_subtitle(self):
        return str(self.authority)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            members=members_with_counts(self.authority),
            pending_invitations=invitations.pending().filter(authority=self.authority).order_by("email"),
            **kwargs,
        )


class InviteMemberView(TeamMixin, FormView):
    template_name = "authorities/invite.html"
    form_class = InvitationForm
    page_title = "Inviter un membre"

    def get_form_kwargs(self):
        roles = (Role.AGENT, Role.EDITOR)
        if is_platform_admin(self.request.user):
            roles = (Role.MAIN_AGENT, Role.AGENT, Role.EDITOR)
        return {**super().get_form_kwargs(), "roles": roles}

    def form_valid(self, form):
        role = form.cleaned_data["role"]
        if not invitations.can_invite(self.request.user, role, self.authority):
            raise Http404
        try:
            outcome = invitations.invite(
                email=form.cleaned_data["email"], role=role, authority=self.authority, issued_by=self.request.user
            )
        except invitations.InvitationError as error:
            form.add_error("email", str(error))
            return self.form_invalid(form)
        if outcome.added_directly:
            messages.success(
                self.request,
                f"{outcome.user} avait déjà un compte : il fait désormais partie de l'équipe "
                "et en est informé par courriel.",
            )
        else:
            messages.success(self.request, f"Invitation envoyée à {outcome.invitation.email}.")
        return redirect(self.team_url())


class MemberActionView(TeamMixin, TemplateView):
    """A confirmation page (GET) and the action (POST) on one member of the team."""

    template_name = "authorities/member_confirm.html"

    @cached_property
    def membership(self) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("user"), pk=self.kwargs["membership_id"], authority=self.authority
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            membership=self.membership, action_url=self.request.path, cancel_url=self.team_url(), **kwargs
        )

    def act(self, action: Callable[[], T], success: Callable[[T], str]) -> HttpResponse:
        """Run the action on the member and go back to the team, saying what happened or why it was refused."""
        try:
            result = action()
        except TeamError as error:
            messages.error(self.request, str(error))
        else:
            messages.success(self.request, success(result))
        return redirect(self.team_url())


class NameMainAgentView(MemberActionView):
    page_title = "Nommer médiateur principal"
    extra_context = {"button_label": "Oui, nommer médiateur principal"}

    def get_context_data(self, **kwargs):
        current = self.authority.memberships.filter(role=Role.MAIN_AGENT).select_related("user").first()
        message = f"{self.membership.user} deviendra le médiateur principal de {self.authority}."
        if current and current.pk != self.membership.pk:
            message += f" {current.user}, actuel médiateur principal, restera dans l'équipe en tant que médiateur."
        return super().get_context_data(confirmation_message=message, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.membership.role == Role.MAIN_AGENT:
            return redirect(self.team_url())
        return self.act(self.name, lambda _: f"{self.membership.user} est désormais le médiateur principal.")

    def name(self) -> None:
        name_main_agent(self.membership, by=self.request.user)
        log(
            self.authority, "authorities.main_agent", user=self.request.user, data={"member": str(self.membership.user)}
        )


class RemoveMemberView(MemberActionView):
    page_title = "Retirer de l'équipe"
    extra_context = {"button_label": "Oui, retirer de l'équipe", "serious": True}

    def get_context_data(self, **kwargs):
        message = (
            f"{self.membership.user} n'aura plus accès à {self.authority}. Ses dossiers de cette collectivité "
            "ne seront plus assignés et il en sera informé par courriel."
        )
        return super().get_context_data(confirmation_message=message, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.act(
            self.remove,
            lambda unassigned: (
                f"{self.membership.user} a été retiré de l'équipe ; {unassigned} dossier(s) ne sont plus assignés."
            ),
        )

    def remove(self) -> int:
        unassigned = remove_member_service(self.membership, removed_by=self.request.user)
        member = str(self.membership.user)
        log(self.authority, "authorities.remove_member", user=self.request.user, data={"member": member})
        return unassigned


class ResetTwoFactorView(MemberActionView):
    page_title = "Réinitialiser la double authentification"
    extra_context = {"button_label": "Oui, réinitialiser", "serious": True}

    def get_context_data(self, **kwargs):
        message = (
            f"L'application d'authentification et les codes de secours de {self.membership.user} seront supprimés "
            "(téléphone perdu ou changé). À sa prochaine connexion, son mot de passe suffira ; il pourra "
            "configurer à nouveau la double authentification depuis son compte."
        )
        return super().get_context_data(confirmation_message=message, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.act(
            lambda: reset_two_factor(self.membership, by=request.user),
            lambda _: f"La double authentification de {self.membership.user} est réinitialisée.",
        )


class CancelInvitationView(TeamMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(Invitation, pk=self.kwargs["invitation_id"], authority=self.authority)
        if invitations.cancel(invitation, by=request.user):
            messages.success(request, f"L'invitation de {invitation.email} est annulée.")
        return redirect(self.team_url())


class PlatformAdminMixin(WagtailAdminTemplateMixin):
    header_icon = "crosshairs"

    def dispatch(self, request, *args, **kwargs):
        if not is_platform_admin(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class PlatformAdminsView(PlatformAdminMixin, TemplateView):
    template_name = "authorities/platform_admins.html"
    page_title = "Administrateurs de la plateforme"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            admins=platform_admins().order_by("last_name", "first_name"),
            pending_invitations=invitations.pending().filter(authority__isnull=True).order_by("email"),
            **kwargs,
        )


class InviteAdminView(PlatformAdminMixin, FormView):
    template_name = "authorities/invite.html"
    form_class = AdminInvitationForm
    page_title = "Inviter un administrateur"

    def form_valid(self, form):
        try:
            outcome = invitations.invite(
                email=form.cleaned_data["email"], role="", authority=None, issued_by=self.request.user
            )
        except invitations.InvitationError as error:
            form.add_error("email", str(error))
            return self.form_invalid(form)
        if outcome.added_directly:
            messages.success(
                self.request, f"{outcome.user} est désormais administrateur et en est informé par courriel."
            )
        else:
            messages.success(self.request, f"Invitation envoyée à {outcome.invitation.email}.")
        return redirect("authorities_platform_admins")


class CancelAdminInvitationView(PlatformAdminMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(Invitation, pk=self.kwargs["invitation_id"], authority__isnull=True)
        if invitations.cancel(invitation, by=request.user):
            messages.success(request, f"L'invitation de {invitation.email} est annulée.")
        return redirect("authorities_platform_admins")


class RevokeAdminView(PlatformAdminMixin, TemplateView):
    """Revoke a platform admin (members of the group only: superusers are managed outside the platform)."""

    template_name = "authorities/member_confirm.html"
    page_title = "Révoquer un administrateur"

    @cached_property
    def admin(self) -> User:
        group_members = User.objects.filter(Q(groups__name=PLATFORM_ADMINS_GROUP), is_superuser=False)
        admin = get_object_or_404(group_members, pk=self.kwargs["user_id"])
        if admin == self.request.user:
            raise Http404
        return admin

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            membership=None,
            confirmation_message=f"{self.admin} ne sera plus administrateur de la plateforme "
            "et en sera informé par courriel.",
            action_url=self.request.path,
            cancel_url=reverse("authorities_platform_admins"),
            button_label="Oui, révoquer",
            serious=True,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        admin = self.admin
        with transaction.atomic():
            revoke_platform_admin(admin)
            queue_email("admin_revoked", [admin.email], {"user": admin}, sent_by=request.user)
            detail = {"role": invitations.PLATFORM_ADMIN}
            audit.record(request, audit.Action.MEMBER_REMOVED, obj=admin, detail=detail)
        messages.success(request, f"{admin} n'est plus administrateur de la plateforme.")
        return redirect("authorities_platform_admins")
