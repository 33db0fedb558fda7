"""The audit log's page in Wagtail's admin (cases/audit/views.py) and its menu item, shown to its readers only."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cases.audit.views import audit_log, can_read_log


class AuditLogMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        """Main agents and platform admins (from what every admin page reads once)."""
        return can_read_log(request.user)


@hooks.register("register_admin_urls")
def register_audit_urls() -> list:
    return [path("journal-audit/", audit_log, name="audit_log")]


@hooks.register("register_admin_menu_item")
def audit_log_menu_item() -> MenuItem:
    return AuditLogMenuItem(
        "Journal d'audit", reverse("audit_log"), name="journal-audit", icon_name="list-ul", order=930
    )
