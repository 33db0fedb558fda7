"""The receiving agents' dashboard panel: proposals of referral waiting for their answer.

Shown to agents, for their authorities (narrowed to the one chosen in the dashboard's switcher), only
when a proposal waits: one query reads up to `PANEL_LIMIT` + 1 of them, the extra one telling that
the list goes on.
"""

from wagtail.admin.ui.components import Component

from authorities.models import AGENT_ROLES
from authorities.permissions import authority_ids_as
from cases.referral.models import Referral, State
from cases.workspace.dashboard import PANEL_LIMIT, selected_authority

PANEL_ORDER = 45  # after the authority switcher, before the case panels


class PendingReferralsPanel(Component):
    template_name = "cases/admin/referral/dashboard_panel.html"
    order = PANEL_ORDER

    def __init__(self, authority_ids: list[int]) -> None:
        self.authority_ids = authority_ids

    def render_html(self, parent_context=None) -> str:
        pending = Referral.objects.filter(to_authority__in=self.authority_ids, status=State.PROPOSED)
        related = ("from_authority", "to_authority", "case__domain__parent")
        self.rows = list(pending.select_related(*related).order_by("proposed_at", "pk")[: PANEL_LIMIT + 1])
        return super().render_html(parent_context) if self.rows else ""

    def get_context_data(self, parent_context):
        return {
            "rows": self.rows[:PANEL_LIMIT],
            "more": len(self.rows) > PANEL_LIMIT,
            "show_authority": len(self.authority_ids) > 1,
        }


def construct_homepage_panels(request, panels: list) -> None:
    ids = authority_ids_as(request.user, AGENT_ROLES)
    selected = selected_authority(request)
    if selected is not None:
        ids = [selected.pk]
    if ids:
        panels.append(PendingReferralsPanel(ids))
