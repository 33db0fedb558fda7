"""Statistics in a real browser (issue 13): an agent opens « Statistiques », changes the period and sees the
chart and its table change, starts an export, watches its progress and downloads the file; axe on each page."""

import codecs
import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from cases.choices import Channel
from cases.insight import export
from cases.insight.models import StatisticsPage
from cases.models import Case
from tests.e2e.browser import (
    export_and_download,
    open_public_statistics,
    open_statistics_of_year,
    sign_in_to_dashboard,
)
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def dated_cases(authority) -> None:
    for channel, created in (
        (Channel.PHONE, datetime.datetime(2025, 3, 12, 10, tzinfo=datetime.UTC)),
        (Channel.WEB, datetime.datetime(2025, 3, 14, 10, tzinfo=datetime.UTC)),
        (Channel.WEB, datetime.datetime(2024, 7, 1, 10, tzinfo=datetime.UTC)),
    ):
        case = CaseFactory(authority=authority, channel=channel, citizen__last_name="Kerouac")
        Case.objects.filter(pk=case.pk).update(created_at=created)


def test_an_agent_reads_the_statistics_and_exports_them(page, live_server, axe, authority, agent, monkeypatch):
    dated_cases(authority)
    monkeypatch.setattr("cases.insight.tasks.run_job", lambda job_id: None)  # queued: the test is the worker
    sign_in_to_dashboard(page, agent)

    table_2024 = open_statistics_of_year(page, 2024, check=axe.assert_no_violations)
    assert "juillet 2024" in table_2024 and "mars 2025" not in table_2024
    page.select_option("#id_periode", "2025")
    page.get_by_role("button", name="Afficher", exact=True).click()
    page.wait_for_url("**periode=2025*")
    page.wait_for_selector("#graphique-received canvas")
    table_2025 = page.locator("#graphique-received table").inner_text()
    assert "mars 2025\t1\t1\t2" in table_2025 and "juillet 2024" not in table_2025
    assert "mars 2025" in page.locator("#graphique-received bar-chart").get_attribute("x")
    axe.assert_no_violations(page)

    data = export_and_download(page, export.run, check=axe.assert_no_violations)
    assert data.startswith(codecs.BOM_UTF8)
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("N° dossier;Collectivité;")
    assert len(lines) == 3 and "Kerouac" not in data.decode("utf-8-sig")  # the two cases of 2025

    page.goto("/admin/statistiques/exports/")
    assert page.get_by_role("link", name="Télécharger").count() == 1
    axe.assert_no_violations(page)
    assert not page.console_errors


def published_statistics(authority) -> str:
    """A StatisticsPage in the authority's section, with six requests in March of last year: its URL."""
    year = timezone.localdate().year - 1
    for day in range(1, 7):
        case = CaseFactory(authority=authority, citizen__last_name="Kerouac")
        Case.objects.filter(pk=case.pk).update(created_at=datetime.datetime(year, 3, day, 10, tzinfo=datetime.UTC))
    page = authority.page.add_child(instance=StatisticsPage(title="Nos statistiques", slug="statistiques"))
    page.save_revision().publish()
    return page.url


def test_the_public_statistics_page(page, live_server, axe, authority):
    year = timezone.localdate().year - 1
    open_public_statistics(page, published_statistics(authority), year, check=axe.assert_no_violations)
    assert f"mars {year}\t6" in page.locator("#graphique-received table").inner_text()
    assert "Kerouac" not in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Télécharger ces chiffres (CSV, {year})").click()
    assert Path(download.value.path()).read_bytes().startswith(codecs.BOM_UTF8)
    assert not page.console_errors
