"""The agents' dashboard: Wagtail home panels (construct_homepage_panels, cases/wagtail_hooks.py).

For an agent: a case search, « Messages à traiter » (on their own cases and on the
unassigned cases of their authorities, so a new request with a reply waiting is
seen), « Dossiers non assignés » of their authorities (newest first) and « Mes
échéances » (open cases due within one business day, overdue ones included). An agent of several authorities
gets a switcher choosing the authority whose panels are shown (`collectivite`
GET parameter, remembered in the session, checked against their memberships).
Platform admins who are not agents get quick links to authorities and lists
instead; editors get no case panel. Every query goes through `cases_for`.

The case panels cost one aggregate for their three totals and one query each for
their rows, whatever the number of cases. Wagtail's own page panels (moderation,
recent edits, locked pages) are left out for users who hold no page permission:
they could only be empty, and cost five queries.
"""

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.admin.ui.components import Component
from wagtail.admin.views.home import (
    LockedPagesPanel,
    RecentEditsPanel,
    UserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel,
)

from authorities.permissions import is_platform_admin
from cases.access import agent_authorities, cases_for
from cases.dates import due_soon_limit, due_state
from cases.models import Case
from cases.workspace.index import case_detail_url
from cases.workspace.state import ME, NOBODY, index_url

SESSION_KEY = "dashboard_authority"
PANEL_LIMIT = 10
PAGE_PANELS = (WorkflowObjectsToModeratePanel, UserObjectsInWorkflowModerationPanel, RecentEditsPanel, LockedPagesPanel)


def selected_authority(request):
    """The authority chosen in the switcher, or None for all of the user's authorities."""
    authorities = {str(a.pk): a for a in agent_authorities(request.user)}
    if len(authorities) < 2:
        return None
    if "collectivite" in request.GET:
        choice = request.GET["collectivite"]
        request.session[SESSION_KEY] = choice if choice in authorities else ""
    return authorities.get(request.session.get(SESSION_KEY, ""))


def dashboard_cases(request) -> QuerySet[Case]:
    cases = cases_for(request.user)
    authority = selected_authority(request)
    return cases.filter(authority=authority) if authority else cases


def rows(queryset) -> list[dict]:
    return [
        {"case": case, "url": case_detail_url(case.number), "due_state": due_state(case.due_date)}
        for case in queryset.select_related("citizen", "authority")[:PANEL_LIMIT]
    ]


class PanelTotals:
    """The case panels' totals, counted together in one aggregate when the first panel asks."""

    def __init__(self, request) -> None:
        self.request = request

    @cached_property
    def counts(self) -> dict[str, int]:
        cases = dashboard_cases(self.request).with_unprocessed_count()
        return cases.aggregate(**{panel.name: Count("pk", filter=panel.condition(self.request)) for panel in PANELS})


class CasePanel(Component):
    template_name = "cases/admin/dashboard/case_panel.html"
    name = ""
    heading = ""
    empty = ""
    link_label = ""
    ordering: tuple = ()

    def __init__(self, request, totals: PanelTotals) -> None:
        self.request = request
        self.totals = totals

    @staticmethod
    def condition(request) -> Q:
        """Which cases of `dashboard_cases` (annotated with their unprocessed count) the panel lists."""
        raise NotImplementedError

    def get_link(self) -> str:
        return index_url()

    def get_context_data(self, parent_context):
        queryset = dashboard_cases(self.request).with_unprocessed_count().filter(self.condition(self.request))
        return {
            "panel_id": self.name,
            "heading": self.heading,
            "rows": rows(queryset.order_by(*self.ordering)),
            "total": self.totals.counts[self.name],
            "empty": self.empty,
            "link": self.get_link(),
            "link_label": self.link_label,
            "show_authority": len(agent_authorities(self.request.user)) > 1,
        }


class UnprocessedMessagesPanel(CasePanel):
    name = "mes-messages-a-traiter"
    order = 50
    heading = "Messages à traiter (mes dossiers et dossiers non assignés)"
    empty = "Aucun message à traiter sur vos dossiers ni sur les dossiers non assignés."
    link_label = "Voir les dossiers ouverts"
    ordering = ("-unprocessed_count", "-number")

    @staticmethod
    def condition(request) -> Q:
        return (Q(assignee=request.user) | Q(assignee__isnull=True)) & Q(unprocessed_count__gt=0)

    def get_link(self) -> str:
        return index_url()  # the open cases, those with messages to process first


class UnassignedPanel(CasePanel):
    name = "dossiers-non-assignes"
    order = 60
    heading = "Dossiers non assignés"
    empty = "Tous les dossiers ouverts ont un médiateur."
    link_label = "Voir tous les dossiers non assignés"
    ordering = ("-created_at", "-number")

    @staticmethod
    def condition(request) -> Q:
        return Q(closed_at__isnull=True, assignee__isnull=True)

    def get_link(self) -> str:
        return index_url(mediateur=NOBODY)


class DueSoonPanel(CasePanel):
    name = "mes-echeances"
    order = 70
    heading = "Mes dossiers à échéance d'ici un jour ouvré"
    empty = "Aucune échéance proche ou dépassée sur vos dossiers ouverts."
    link_label = "Voir mes dossiers"
    ordering = ("due_date", "-number")

    @staticmethod
    def condition(request) -> Q:
        return Q(closed_at__isnull=True, assignee=request.user, due_date__lte=due_soon_limit())

    def get_link(self) -> str:
        return index_url(mediateur=ME, tri="echeance")


PANELS = (UnprocessedMessagesPanel, UnassignedPanel, DueSoonPanel)


def case_panels(request) -> list[CasePanel]:
    totals = PanelTotals(request)
    return [panel(request, totals) for panel in PANELS]


class CaseSearchPanel(Component):
    """The dashboard's search: a case number, a name or words, answered by the case index."""

    template_name = "cases/admin/dashboard/case_search.html"
    order = 30

    def get_context_data(self, parent_context):
        return {"url": index_url()}


class AuthoritySwitcherPanel(Component):
    template_name = "cases/admin/dashboard/authority_switcher.html"
    order = 40

    def __init__(self, request) -> None:
        self.request = request

    def get_context_data(self, parent_context):
        selected = selected_authority(self.request)
        return {"authorities": agent_authorities(self.request.user), "selected": selected}


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
    if not user_has_any_page_permission(request.user):
        panels[:] = [panel for panel in panels if not isinstance(panel, PAGE_PANELS)]
    authorities = agent_authorities(request.user)
    if authorities:
        panels.append(CaseSearchPanel())
        if len(authorities) > 1:
            panels.append(AuthoritySwitcherPanel(request))
        panels.extend(case_panels(request))
    elif is_platform_admin(request.user):
        panels.append(PlatformAdminLinksPanel())
