"""Triage in a real browser (issue 11, items 1 to 3): the index at 1440×900 shows at least 20 dense rows of
open cases; the agent narrows it to the unassigned cases by due date, assigns three of them to themselves
in one confirmed action, and saves that list as a tab of their own; axe on every page."""

import pytest

from cases.choices import Outcome, Status
from cases.models import Case, CaseEvent
from cases.workspace.models import SavedView
from tests.e2e.browser import rows_on_screen, save_current_view, sign_in_to_dashboard, triage_and_bulk_assign
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_triage_bulk_assign_and_saved_view(page, axe, authority, agent):
    cases = CaseFactory.create_batch(30, authority=authority, description="Facture d'eau contestée\nDétails…")
    closed = CaseFactory(
        authority=authority, status=Status.CLOSED, closed_at="2026-01-02T10:00Z", outcome=Outcome.PARTIAL
    )
    chosen = [case.number for case in cases[:3]]
    page.set_viewport_size({"width": 1440, "height": 900})

    sign_in_to_dashboard(page, agent)
    page.goto("/admin/dossiers/")
    assert rows_on_screen(page) >= 20
    assert page.locator(f'[data-case-number="{closed.number}"]').count() == 0, "open cases by default"
    assert page.get_by_role("cell", name="Facture d'eau contestée").first.is_visible()
    numbers = [
        int(n) for n in page.locator("[data-case-row]").evaluate_all("rows => rows.map(r => r.dataset.caseNumber)")
    ]
    focused = "() => document.activeElement.closest('[data-case-row]')?.dataset.caseNumber"
    for key, row in (("j", 0), ("j", 1), ("j", 2), ("k", 1)):
        page.keyboard.press(key)
        assert page.evaluate(focused) == str(numbers[row]), key
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-case-search')")
    page.keyboard.type("j")  # typed in the search: a letter, not a shortcut
    assert page.input_value("[data-case-search]") == "j"

    triage_and_bulk_assign(page, chosen, check=axe.assert_no_violations)
    assert set(Case.objects.filter(assignee=agent).values_list("number", flat=True)) == set(chosen)
    assert CaseEvent.objects.filter(case__in=chosen, kind=CaseEvent.Kind.ASSIGNED).count() == 3
    for number in chosen:
        assert page.locator(f'[data-case-number="{number}"]').count() == 0, "no longer unassigned"

    save_current_view(page, "Non assignés par échéance", check=axe.assert_no_violations)
    tab = page.get_by_role("navigation", name="Vues des dossiers").get_by_role("link", name="Non assignés par échéance")
    assert tab.get_attribute("aria-current") == "page" and "27" in tab.inner_text()
    assert SavedView.objects.get().query == "mediateur=aucun&tri=echeance"
    assert not page.console_errors
