"""Authorities in Wagtail's admin: list, create (platform admins), edit (platform admins, the main agent).

Built on Wagtail's ModelViewSet, so every creation and change is written to
Wagtail's history (`wagtail.create`, `wagtail.edit`), shown on the authority's
history page and in the site history report.
"""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from authorities.forms import AuthorityForm
from authorities.models import Authority, Membership, Role
from authorities.permissions import authority_ids_as, is_platform_admin, platform_admins
from cases.models import Case


def main_agent_authority_ids(user) -> QuerySet:
    return Membership.objects.filter(user=user, role=Role.MAIN_AGENT).values("authority_id")


class AuthorityPermissionPolicy(BasePermissionPolicy):
    """Platform admins create and change every authority; a main agent changes their own; nobody deletes here."""

    def user_has_permission(self, user, action) -> bool:
        if not (user.is_authenticated and user.is_active):
            return False
        if action in ("add", "view"):
            return is_platform_admin(user)
        if action == "change":
            return is_platform_admin(user) or bool(authority_ids_as(user, (Role.MAIN_AGENT,)))
        return False

    def users_with_any_permission(self, actions):
        from authorities.models import User

        users = platform_admins() if {"add", "view", "change"} & set(actions) else User.objects.none()
        if "change" in actions:
            users = users | User.objects.filter(memberships__role=Role.MAIN_AGENT)
        return users.distinct()

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        if action == "change" and not is_platform_admin(user):
            return main_agent_authority_ids(user).filter(authority_id=instance.pk).exists()
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions):
        if not any(self.user_has_permission(user, action) for action in actions):
            return Authority.objects.none()
        if is_platform_admin(user):
            return Authority.objects.all()
        return Authority.objects.filter(pk__in=main_agent_authority_ids(user))

    def users_with_any_permission_for_instance(self, actions, instance):

        users = self.users_with_any_permission(actions)
        if "change" in actions:
            users = users.filter(
                Q(pk__in=platform_admins()) | Q(memberships__authority=instance, memberships__role=Role.MAIN_AGENT)
            )
        return users.distinct()


def changeable_authorities(view) -> QuerySet:
    return view.permission_policy.instances_user_has_any_permission_for(view.request.user, ["change"])


def count_of(model, **filters) -> Subquery:
    """How many rows of `model` belong to the outer authority: a subquery each, so counts never multiply
    (joining cases and memberships together counted every case once per member)."""
    rows = model.objects.filter(authority=OuterRef("pk"), **filters).order_by().values("authority")
    return Coalesce(Subquery(rows.annotate(count=Count("pk")).values("count")), 0)


class AuthorityIndexView(generic.IndexView):
    def get_base_queryset(self):
        return changeable_authorities(self).annotate(
            open_cases=count_of(Case, closed_at__isnull=True),
            closed_cases=count_of(Case, closed_at__isnull=False),
            members=count_of(Membership),
        )


class AuthorityFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class AuthorityCreateView(AuthorityFormMixin, generic.CreateView):
    pass


class AuthorityEditView(AuthorityFormMixin, generic.EditView):
    """Looks the authority up among those the user may change: anything else is a 404."""

    def get_queryset(self):
        return changeable_authorities(self)

    def get_object(self, queryset=None):
        authority = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, "change", authority):
            raise Http404
        return authority


class AuthorityHistoryView(generic.HistoryView):
    any_permission_required = ["change"]

    def get_base_object_queryset(self):
        return changeable_authorities(self)


class AuthorityViewSet(ModelViewSet):
    model = Authority
    form_class = AuthorityForm
    icon = "site"
    menu_label = "Collectivités"
    menu_order = 900
    add_to_admin_menu = True
    url_prefix = "collectivites"
    name = "authorities"
    copy_view_enabled = False
    inspect_view_enabled = False
    search_fields = ["name", "slug"]
    list_per_page = 50
    index_view_class = AuthorityIndexView
    add_view_class = AuthorityCreateView
    edit_view_class = AuthorityEditView
    history_view_class = AuthorityHistoryView
    list_display = [
        "name",
        "slug",
        "type",
        Column("members", label="Membres"),
        Column("open_cases", label="Dossiers ouverts"),
        Column("closed_cases", label="Dossiers clôturés"),
    ]

    def get_form_class(self, for_update=False):
        return AuthorityForm


register_permission_policy(Authority, AuthorityPermissionPolicy(Authority), exact_class=True)
authority_viewset = AuthorityViewSet()
