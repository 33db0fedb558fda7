"""Statistics on the platform as deployed: the agent opens « Statistiques » (charts drawn from the collected,
vendored @gouvfr/dsfr-chart under the production CSP), changes the period, exports and downloads the CSV;
every page designed, no console, CSP or status error. The test plays the worker's part (export.run)."""

import codecs

from cases.insight import export
from tests.e2e.browser import export_and_download, open_statistics_of_year, sign_in_to_dashboard
from tests.e2e.test_statistics import dated_cases
from tests.production.watch import assert_admin_page_styled


def test_an_agent_reads_the_statistics_and_exports_them(page, production_server, authority, agent):
    dated_cases(authority)
    sign_in_to_dashboard(page, agent)
    table = open_statistics_of_year(page, 2025, check=assert_admin_page_styled)
    assert "mars 2025\t1\t1\t2" in table
    assert page.locator("#graphique-received canvas").count() == 1
    data = export_and_download(page, export.run, check=assert_admin_page_styled)
    assert data.startswith(codecs.BOM_UTF8) and len(data.decode("utf-8-sig").splitlines()) == 3
