"""The main agents' dashboard panel: cases anonymised within the next 30 days (the retention notice).

Shown to main agents only, for the authorities where they are main agent (narrowed to the one chosen
in the dashboard's switcher, when it is one of those). Each authority's own period gives each case its date.
"""

from wagtail.admin.ui.components import Component

from authorities.models import Role
from authorities.permissions import authority_ids_as
from cases.privacy.retention import anonymisation_date, due_within_notice, months_for
from cases.workspace.dashboard import PANEL_LIMIT, selected_authority

NOTICE_ORDER = 80


def main_agent_authority_ids(request) -> list[int]:
    ids = authority_ids_as(request.user, [Role.MAIN_AGENT])
    selected = selected_authority(request)
    return [selected.pk] if selected and selected.pk in ids else ([] if selected else ids)


class AnonymisationNoticePanel(Component):
    template_name = "cases/admin/privacy/dashboard_panel.html"
    order = NOTICE_ORDER

    def __init__(self, request, authority_ids: list[int]) -> None:
        self.request = request
        self.authority_ids = authority_ids

    def get_context_data(self, parent_context):
        cases = due_within_notice().filter(authority_id__in=self.authority_ids)
        months = {pk: months_for(pk) for pk in self.authority_ids}
        shown = cases.select_related("citizen", "authority").order_by("closed_at", "number")[:PANEL_LIMIT]
        return {
            "rows": [{"case": case, "date": anonymisation_date(case, months[case.authority_id])} for case in shown],
            "total": cases.count(),
            "show_authority": len(self.authority_ids) > 1,
        }


def construct_homepage_panels(request, panels: list) -> None:
    authority_ids = main_agent_authority_ids(request)
    if authority_ids:
        panels.append(AnonymisationNoticePanel(request, authority_ids))
