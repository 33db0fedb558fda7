"""The two-level lists: domains and competent third parties (issue #3, item 8), as wagtail-modeladmin lists.

At /admin/listes/domaines/ and /admin/listes/tiers-competents/, in a « Listes »
menu shown to platform admins and main agents.

- Platform admins create, edit and delete platform items (no authority).
- A main agent creates, edits and deletes the additions of their authority; the
  authority is set from their membership (chosen among them if they are main
  agent of several), the parent is a platform item or one of their own
  top-level items. Two levels at most (`ListItem.clean`).
- Agents see the platform items and their authorities' additions, read only.
- An item used by a case, or with children, is not deleted: the page says why.

Items outside what the user may see answer 404 on every item URL.
"""

from django.contrib import messages
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.menus import ModelAdminMenuItem
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import DeleteView

from authorities.models import AGENT_ROLES, Authority, Role
from authorities.permissions import authority_ids_as, is_platform_admin
from cases.models import Case, CompetentThirdParty, Domain


def main_agent_authority_ids(user) -> set[int]:
    return set(authority_ids_as(user, (Role.MAIN_AGENT,)))


def agent_authority_id_set(user) -> set[int]:
    return set(authority_ids_as(user, AGENT_ROLES))


def can_manage_lists(user) -> bool:
    return user.is_authenticated and (is_platform_admin(user) or bool(main_agent_authority_ids(user)))


def can_edit_item(user, item) -> bool:
    if item.authority_id is None:
        return is_platform_admin(user)
    return item.authority_id in main_agent_authority_ids(user)


class ListItemPermissionHelper(PermissionHelper):
    """From platform-admin status and memberships, not from Django model permissions."""

    def user_can_list(self, user) -> bool:
        return user.is_authenticated and (is_platform_admin(user) or bool(agent_authority_id_set(user)))

    def user_can_create(self, user) -> bool:
        return can_manage_lists(user)

    def user_can_inspect_obj(self, user, obj) -> bool:
        return False

    def user_can_edit_obj(self, user, obj) -> bool:
        return can_edit_item(user, obj)

    def user_can_delete_obj(self, user, obj) -> bool:
        return can_edit_item(user, obj)


class ListItemForm(WagtailAdminModelForm):
    """Name, parent and (for a new item) owner; the choices depend on who is editing."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        model = self._meta.model
        if self.instance.pk:
            # An item keeps its owner; its parent stays among the platform's or its owner's top-level items.
            self.fields.pop("authority", None)
            owners = Q(authority__isnull=True) | Q(authority_id=self.instance.authority_id)
        else:
            managed = Authority.objects.filter(pk__in=main_agent_authority_ids(user)).order_by("name")
            field = self.fields["authority"]
            field.queryset = managed
            field.label = "Collectivité"
            if is_platform_admin(user):
                field.required = False
                field.empty_label = "Plateforme (toutes les collectivités)"
                field.help_text = "Laissez « Plateforme » pour un élément proposé à toutes les collectivités."
            else:
                field.required = True
                field.empty_label = None
            if len(managed) == (0 if is_platform_admin(user) else 1):
                self.fields.pop("authority")
                self.instance.authority = None if is_platform_admin(user) else managed[0]
            owners = Q(authority__isnull=True) | Q(authority_id__in=main_agent_authority_ids(user))
        parents = model.objects.filter(owners, parent__isnull=True).select_related("authority")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda item: (
            f"{item.name} ({item.authority.name})" if item.authority_id else item.name
        )
        self.fields["parent"].empty_label = "Aucun (élément de premier niveau)"

    def clean(self):
        cleaned = super().clean()
        if "authority" in self.fields:
            self.instance.authority = cleaned.get("authority")
        parent = cleaned.get("parent")
        if parent is not None and self.instance.pk and self.instance.children.exists():
            self.add_error(
                "parent", "Cet élément a des sous-éléments : il ne peut pas devenir lui-même un sous-élément."
            )
        name = cleaned.get("name")
        if name:
            duplicates = self._meta.model.objects.filter(
                name__iexact=name.strip(), parent=parent, authority_id=self.instance.authority_id
            ).exclude(pk=self.instance.pk)
            if duplicates.exists():
                self.add_error("name", "Un élément de ce nom existe déjà à cet endroit de la liste.")
        return cleaned

    def validate_unique(self) -> None:
        """Checked in clean() with a French message; the database constraint stays the last word."""


class ListItemDeleteView(DeleteView):
    """Refuses, with the reason, to delete an item used by a case or with children (never lists the cases)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.permission_helper.user_can_delete_obj(request.user, self.instance):
            refusal = self.refusal()
            if refusal:
                messages.error(request, refusal)
                return redirect(self.index_url)
        return super().dispatch(request, *args, **kwargs)

    def refusal(self) -> str | None:
        item = self.instance
        if Case.objects.filter(**{self.model_admin.case_field: item}).exists():
            return f"« {item.name} » est utilisé par au moins un dossier : il ne peut pas être supprimé."
        if item.children.exists():
            return f"« {item.name} » a des sous-éléments : supprimez-les d'abord."
        return None

    def confirmation_message(self) -> str:
        return f"Supprimer « {self.instance} » de la liste ?"


class ListsMenuItem(ModelAdminMenuItem):
    def is_shown(self, request) -> bool:
        return can_manage_lists(request.user)


class ListItemAdmin(ModelAdmin):
    permission_helper_class = ListItemPermissionHelper
    delete_view_class = ListItemDeleteView
    list_display = ("name", "parent_name", "owner")
    list_per_page = 100
    search_fields = ("name", "parent__name")
    inspect_view_enabled = False
    case_field = ""

    edit_handler = ObjectList(
        [FieldPanel("authority"), FieldPanel("parent"), FieldPanel("name")], base_form_class=ListItemForm
    )

    def get_queryset(self, request) -> QuerySet:
        items = self.model.objects.select_related("parent", "authority")
        if not is_platform_admin(request.user):
            items = items.filter(Q(authority__isnull=True) | Q(authority_id__in=agent_authority_id_set(request.user)))
        return items

    def get_ordering(self, request) -> list:
        """Each top-level item followed by its children."""
        return [Coalesce("parent__name", "name").asc(), F("parent_id").asc(nulls_first=True), "name"]

    def parent_name(self, item) -> str:
        return item.parent.name if item.parent_id else "—"

    parent_name.short_description = "Parent"

    def owner(self, item) -> str:
        return item.authority.name if item.authority_id else "Plateforme"

    owner.short_description = "Propriétaire"

    def get_menu_item(self, order=None) -> MenuItem:
        return ListsMenuItem(self, order or self.get_menu_order())

    def get_permissions_for_registration(self):
        from django.contrib.auth.models import Permission

        return Permission.objects.none()

    def visible_or_404(self, request, instance_pk) -> None:
        if not request.user.is_authenticated:
            return  # the admin's login redirect comes first
        if not self.get_queryset(request).filter(pk=int_or_404(instance_pk)).exists():
            raise Http404("Élément introuvable.")

    def edit_view(self, request, instance_pk):
        self.visible_or_404(request, instance_pk)
        return super().edit_view(request, instance_pk)

    def delete_view(self, request, instance_pk):
        self.visible_or_404(request, instance_pk)
        return super().delete_view(request, instance_pk)


def int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Élément introuvable.") from None


class DomainAdmin(ListItemAdmin):
    model = Domain
    base_url_path = "listes/domaines"
    menu_label = "Domaines"
    menu_icon = "list-ul"
    case_field = "domain"


class CompetentThirdPartyAdmin(ListItemAdmin):
    model = CompetentThirdParty
    base_url_path = "listes/tiers-competents"
    menu_label = "Tiers compétents"
    menu_icon = "group"
    case_field = "competent_third_party"


class ListsGroup(ModelAdminGroup):
    menu_label = "Listes"
    menu_icon = "list-ul"
    menu_order = 300
    items = (DomainAdmin, CompetentThirdPartyAdmin)
