"""Wagtail admin views replaced by scoped ones, mounted (mediature/urls.py) in front of Wagtail's admin URLs.

Same paths as Wagtail's, so its own `reverse()` calls lead here; each view still requires admin access.
"""

from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.viewsets.pages import page_viewset_registry

from pages.scope.bulk import bulk_action
from pages.scope.pages import (
    PlatformPageTypesUsageReportView,
    PlatformSiteHistoryView,
    ScopedBrowseView,
    ScopedChosenMultipleView,
    editable_page_required,
)


def workflow_view(name: str):
    return require_admin_access(editable_page_required(page_viewset_registry.as_view(name, page_id_kwarg="page_id")))


urlpatterns = [
    path("bulk/<str:app_label>/<str:model_name>/<str:action>/", require_admin_access(bulk_action)),
    path(
        "pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        workflow_view("workflow_action"),
    ),
    path(
        "pages/workflow/collect_action_data/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        workflow_view("collect_workflow_action_data"),
    ),
    path("pages/workflow/confirm_cancellation/<int:page_id>/", workflow_view("confirm_workflow_cancellation")),
    path("pages/workflow/preview/<int:page_id>/<int:task_id>/", workflow_view("workflow_preview")),
    path("choose-page/<int:parent_page_id>/", require_admin_access(ScopedBrowseView.as_view())),
    path("choose-page/chosen-multiple/", require_admin_access(ScopedChosenMultipleView.as_view())),
    path("reports/site-history/", require_admin_access(PlatformSiteHistoryView.as_view())),
    path("reports/site-history/results/", require_admin_access(PlatformSiteHistoryView.as_view(results_only=True))),
    path("reports/page-types-usage/", require_admin_access(PlatformPageTypesUsageReportView.as_view())),
    path(
        "reports/page-types-usage/results/",
        require_admin_access(PlatformPageTypesUsageReportView.as_view(results_only=True)),
    ),
]
