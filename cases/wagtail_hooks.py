"""The agents' workspace in Wagtail's admin: case index, dashboard panels, lists, agent intake.

The logic lives in cases/workspace/ and cases/admin_intake.py; this module only registers it with Wagtail.
"""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail_modeladmin.options import modeladmin_register

from authorities.models import Role
from authorities.permissions import authority_ids_as
from cases.workspace.index import can_use_index
from cases.workspace.lists import ListsGroup
from cases.workspace.state import ME, NOBODY, index_url

modeladmin_register(ListsGroup)
CASES_MENU_ORDER = 100


class AgentMenuItem(MenuItem):
    """Shown to agents only (the case index's own rule)."""

    def is_shown(self, request) -> bool:
        return can_use_index(request.user)


class MainAgentMenuItem(MenuItem):
    """Shown to main agents only (the subject requests' page answers 404 to anyone else)."""

    def is_shown(self, request) -> bool:
        return bool(authority_ids_as(request.user, [Role.MAIN_AGENT]))


class AgentSubmenuMenuItem(SubmenuMenuItem):
    def is_shown(self, request) -> bool:
        return can_use_index(request.user)


@hooks.register("register_admin_menu_item")
def register_cases_menu() -> MenuItem:
    """« Dossiers »: the open cases, mine, the unassigned ones, and recording a request."""
    items = [
        AgentMenuItem(
            "Dossiers ouverts", index_url(), name="dossiers-ouverts", icon_name="folder-open-inverse", order=5
        ),
        AgentMenuItem("Mes dossiers", index_url(mediateur=ME), name="mes-dossiers", icon_name="user", order=10),
        AgentMenuItem("Non assignés", index_url(mediateur=NOBODY), name="non-assignes", icon_name="help", order=20),
        AgentMenuItem("Transmissions", reverse("referrals"), name="transmissions", icon_name="resubmit", order=35),
        AgentMenuItem("Enregistrer une saisine", reverse("case_intake"), name="saisine", icon_name="plus", order=40),
        MainAgentMenuItem(
            "Demandes RGPD", reverse("case_subject_requests"), name="demandes-rgpd", icon_name="user", order=50
        ),
    ]
    return AgentSubmenuMenuItem(
        "Dossiers", Menu(items=items), name="dossiers", icon_name="folder-open-inverse", order=CASES_MENU_ORDER
    )


@hooks.register("insert_global_admin_css")
def admin_accessibility_fixes() -> str:
    """Admin-wide CSS fixes (contrast of Wagtail's success banner), on every admin page agents use."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("construct_homepage_panels")
def add_dashboard_panels(request, panels: list) -> None:
    from cases.workspace.dashboard import construct_homepage_panels

    construct_homepage_panels(request, panels)


@hooks.register("construct_homepage_panels")
def add_retention_panel(request, panels: list) -> None:
    from cases.privacy.dashboard import construct_homepage_panels

    construct_homepage_panels(request, panels)


@hooks.register("register_admin_urls")
def register_workspace_urls() -> list:
    """Agent intake, the editors' link form and the main agents' retention and subject-request pages, before the
    case page's own URLs (its « dossiers/<int:number>/ » never matches these words)."""
    from cases.admin_intake import case_intake
    from cases.privacy import subject_views
    from cases.privacy.views import retention
    from cases.views.rich_text import LinkChooserView

    return [
        path("dossiers/nouveau/", case_intake, name="case_intake"),
        path("dossiers/lien/", LinkChooserView.as_view(), name="case_link_chooser"),
        path("dossiers/anonymisation/", retention, name="case_retention"),
        path("dossiers/demandes-rgpd/", subject_views.subject_requests, name="case_subject_requests"),
        path("dossiers/demandes-rgpd/export/", subject_views.subject_export, name="case_subject_export"),
        path("dossiers/demandes-rgpd/effacement/", subject_views.subject_erase, name="case_subject_erase"),
    ]


@hooks.register("register_rich_text_features")
def register_rich_text_features(features) -> None:
    """The link feature of the case pages' editors (note content, message body)."""
    from cases.views.rich_text import register_link_feature

    register_link_feature(features)


@hooks.register("register_admin_urls")
def register_case_urls():
    """The case page and its actions (cases/views/), under /admin/dossiers/<N>/."""
    from cases.views import urls as case_urls

    return [path("dossiers/<int:number>/", include((case_urls, "case"), namespace="case"))]
