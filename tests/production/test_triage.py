"""Triage on the platform as deployed (issue 11): the index's filters, sort, a bulk assignment of three cases
confirmed once and a saved view, through gunicorn with the production settings; every page designed and
axe-clean, no console, CSP or status error."""

from cases.models import Case
from tests.e2e.browser import (
    AxeChecker,
    rows_on_screen,
    save_current_view,
    sign_in_to_dashboard,
    triage_and_bulk_assign,
)
from tests.factories import CaseFactory
from tests.production.watch import assert_admin_page_styled


def test_triage_and_bulk_assignment(page, production_server, authority, agent):
    cases = CaseFactory.create_batch(24, authority=authority)
    chosen = [case.number for case in cases[:3]]
    axe = AxeChecker()

    def check(page) -> None:  # axe once the page's fade-ins are over (a flash message measured mid-fade fails)
        assert_admin_page_styled(page)
        axe.assert_no_violations(page)

    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in_to_dashboard(page, agent)
    page.goto("/admin/dossiers/")
    assert rows_on_screen(page) >= 20
    triage_and_bulk_assign(page, chosen, check=check)
    assert set(Case.objects.filter(assignee=agent).values_list("number", flat=True)) == set(chosen)
    save_current_view(page, "À prendre", check=check)
