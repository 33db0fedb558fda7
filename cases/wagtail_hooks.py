"""The agents' case index in Wagtail's admin (/admin/dossiers/)."""

from django.contrib.admin import display
from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from django.urls import include, path, re_path
from wagtail import hooks
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from cases.access import agent_authority_ids, cases_for
from cases.models import Case


class CasePermissionHelper(PermissionHelper):
    """Access to cases comes from agent memberships, never from Django model permissions.

    The index opens to anyone who is an agent somewhere; which rows they see is
    decided by `cases_for`. Every per-object answer is a constant so the row
    buttons cost no query. Creating, editing and deleting are off: the case
    views of the workspace are not modeladmin forms.
    """

    def user_can_list(self, user) -> bool:
        return user.is_authenticated and agent_authority_ids(user).exists()

    def user_can_create(self, user) -> bool:
        return False

    def user_can_inspect_obj(self, user, obj) -> bool:
        return False

    def user_can_edit_obj(self, user, obj) -> bool:
        return False

    def user_can_delete_obj(self, user, obj) -> bool:
        return False


@modeladmin_register
class CaseAdmin(ModelAdmin):
    """Index of the cases of the authorities where the user is an agent or main agent.

    Platform admins who are not members of an authority see none of its cases:
    like the original product, being a platform admin opens the platform's
    settings, not the citizens' files (the workspace issue keeps that rule).
    Only the index URL is registered: modeladmin's instance views would look the
    case up outside `cases_for` and answer 403 instead of 404, letting case
    numbers be probed.
    """

    model = Case
    base_url_path = "dossiers"
    menu_label = "Dossiers"
    menu_icon = "folder-open-inverse"
    menu_order = 100
    permission_helper_class = CasePermissionHelper
    index_template_name = "cases/admin/case_index.html"
    list_display = ("case_number", "citizen_name", "status", "assignee", "created_at")
    list_filter = ("status",)
    list_per_page = 50
    ordering = ("-created_at",)

    def get_queryset(self, request) -> QuerySet[Case]:
        return cases_for(request.user).select_related("citizen", "assignee")

    def get_admin_urls_for_registration(self) -> tuple:
        return (
            re_path(
                self.url_helper.get_action_url_pattern("index"),
                self.index_view,
                name=self.url_helper.get_action_url_name("index"),
            ),
        )

    def get_permissions_for_registration(self) -> QuerySet[Permission]:
        """Case model permissions grant nothing here, so they are not offered in the group editor."""
        return Permission.objects.none()

    @display(description="N°", ordering="number")
    def case_number(self, case: Case) -> int:
        return case.number

    @display(description="Requérant", ordering="citizen__last_name")
    def citizen_name(self, case: Case) -> str:
        return case.citizen.full_name


@hooks.register("register_admin_urls")
def register_case_urls():
    """The case page and its actions (cases/views/), under /admin/dossiers/<N>/."""
    from cases.views import urls as case_urls

    return [path("dossiers/<int:number>/", include((case_urls, "case"), namespace="case"))]
