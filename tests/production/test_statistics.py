"""Statistics on the platform as deployed: the agent opens « Statistiques » (charts drawn from the collected,
vendored @gouvfr/dsfr-chart under the admin's CSP), changes the period, exports and downloads the CSV; a
visitor reads a StatisticsPage, its charts drawn under the public pages' strict CSP; every page designed,
no console, CSP or status error. The test plays the worker's part (export.run)."""

import codecs

from django.utils import timezone

from cases.insight import export
from tests.e2e.browser import export_and_download, open_public_statistics, open_statistics_of_year, sign_in_to_dashboard
from tests.e2e.test_statistics import dated_cases, published_statistics
from tests.production.watch import assert_admin_page_styled, assert_public_page_styled


def test_an_agent_reads_the_statistics_and_exports_them(page, production_server, authority, agent):
    dated_cases(authority)
    sign_in_to_dashboard(page, agent)
    table = open_statistics_of_year(page, 2025, check=assert_admin_page_styled)
    assert "mars 2025\t1\t1\t2" in table
    assert page.locator("#graphique-received canvas").count() == 1
    data = export_and_download(page, export.run, check=assert_admin_page_styled)
    assert data.startswith(codecs.BOM_UTF8) and len(data.decode("utf-8-sig").splitlines()) == 3


def test_the_public_statistics_page_draws_its_charts_under_the_strict_csp(page, production_server, authority):
    year = timezone.localdate().year - 1
    open_public_statistics(page, published_statistics(authority), year, check=assert_public_page_styled)
    assert f"mars {year}\t6" in page.locator("#graphique-received table").inner_text()
