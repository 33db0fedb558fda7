"""The agents' dashboard: Wagtail home panels (construct_homepage_panels, cases/wagtail_hooks.py).

For an agent: « Mes dossiers avec des messages à traiter », « Dossiers non
assignés » of their authorities and « Mes échéances » (open cases due within
one business day, overdue ones included). An agent of several authorities
gets a switcher choosing the authority whose panels are shown (`collectivite`
GET parameter, remembered in the session, checked against their memberships).
Platform admins who are not agents get quick links to authorities and lists
instead; editors get no case panel. Every query goes through `cases_for`.
"""

from django.urls import NoReverseMatch, reverse
from wagtail.admin.ui.components import Component

from authorities.permissions import is_platform_admin
from cases.access import cases_for
from cases.dates import due_soon_limit, due_state
from cases.workspace.index import VIEW_MINE, VIEW_UNASSIGNED, case_detail_url, index_url, user_agent_authorities

SESSION_KEY = "dashboard_authority"
PANEL_LIMIT = 10


def selected_authority(request):
    """The authority chosen in the switcher, or None for all of the user's authorities."""
    authorities = {str(a.pk): a for a in user_agent_authorities(request)}
    if len(authorities) < 2:
        return None
    if "collectivite" in request.GET:
        choice = request.GET["collectivite"]
        request.session[SESSION_KEY] = choice if choice in authorities else ""
    return authorities.get(request.session.get(SESSION_KEY, ""))


def dashboard_cases(request):
    cases = cases_for(request.user)
    authority = selected_authority(request)
    return cases.filter(authority=authority) if authority else cases


def rows(queryset) -> list[dict]:
    return [
        {"case": case, "url": case_detail_url(case.number), "due_state": due_state(case.due_date)}
        for case in queryset.select_related("citizen", "authority")[:PANEL_LIMIT]
    ]


class CasePanel(Component):
    template_name = "cases/admin/dashboard/case_panel.html"
    name = ""
    heading = ""
    empty = ""
    link_label = ""

    def __init__(self, request) -> None:
        self.request = request

    def get_queryset(self):
        raise NotImplementedError

    def get_link(self) -> str:
        return index_url()

    def get_context_data(self, parent_context):
        queryset = self.get_queryset()
        return {
            "panel_id": self.name,
            "heading": self.heading,
            "rows": rows(queryset),
            "total": queryset.count(),
            "empty": self.empty,
            "link": self.get_link(),
            "link_label": self.link_label,
            "show_authority": len(user_agent_authorities(self.request)) > 1,
        }


class UnprocessedMessagesPanel(CasePanel):
    name = "mes-messages-a-traiter"
    order = 50
    heading = "Mes dossiers avec des messages à traiter"
    empty = "Aucun message à traiter sur vos dossiers."
    link_label = "Voir mes dossiers"

    def get_queryset(self):
        return (
            dashboard_cases(self.request)
            .filter(assignee=self.request.user)
            .with_unprocessed_count()
            .filter(unprocessed_count__gt=0)
            .order_by("-unprocessed_count", "-number")
        )

    def get_link(self) -> str:
        return index_url(VIEW_MINE)


class UnassignedPanel(CasePanel):
    name = "dossiers-non-assignes"
    order = 60
    heading = "Dossiers non assignés"
    empty = "Tous les dossiers ouverts ont un médiateur."
    link_label = "Voir tous les dossiers non assignés"

    def get_queryset(self):
        return dashboard_cases(self.request).open().filter(assignee__isnull=True).order_by("created_at")

    def get_link(self) -> str:
        return index_url(VIEW_UNASSIGNED) + "&etat=ouverts"


class DueSoonPanel(CasePanel):
    name = "mes-echeances"
    order = 70
    heading = "Mes dossiers à échéance d'ici un jour ouvré"
    empty = "Aucune échéance proche ou dépassée sur vos dossiers ouverts."
    link_label = "Voir mes dossiers"

    def get_queryset(self):
        return (
            dashboard_cases(self.request)
            .open()
            .filter(assignee=self.request.user, due_date__lte=due_soon_limit())
            .order_by("due_date", "-number")
        )

    def get_link(self) -> str:
        return index_url(VIEW_MINE) + "&etat=ouverts"


class AuthoritySwitcherPanel(Component):
    template_name = "cases/admin/dashboard/authority_switcher.html"
    order = 40

    def __init__(self, request) -> None:
        self.request = request

    def get_context_data(self, parent_context):
        selected = selected_authority(self.request)
        return {"authorities": user_agent_authorities(self.request), "selected": selected}


def optional(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


class PlatformAdminLinksPanel(Component):
    template_name = "cases/admin/dashboard/platform_links.html"
    order = 40

    def get_context_data(self, parent_context):
        links = [
            ("Collectivités", optional("authorities:index")),
            ("Administrateurs de la plateforme", optional("authorities_platform_admins")),
            ("Domaines", optional("listes_domaines_modeladmin_index")),
            ("Tiers compétents", optional("listes_tiers-competents_modeladmin_index")),
        ]
        return {"links": [(label, url) for label, url in links if url]}


def construct_homepage_panels(request, panels: list) -> None:
    if user_agent_authorities(request):
        if len(user_agent_authorities(request)) > 1:
            panels.append(AuthoritySwitcherPanel(request))
        panels.extend([UnprocessedMessagesPanel(request), UnassignedPanel(request), DueSoonPanel(request)])
    elif is_platform_admin(request.user):
        panels.append(PlatformAdminLinksPanel())
