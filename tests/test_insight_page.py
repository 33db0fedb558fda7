"""« Statistiques » in the admin (issue 13, items 2 and 3): the period, the filters, the charts and their tables.

The figures themselves are checked in test_insight_figures.py; here, what the page shows of them and how
the query string chooses them. Who may open it is in test_insight_access.py.
"""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from cases.choices import Channel
from cases.models import Case
from tests.factories import CaseFactory
from tests.test_case_access_matrix import sign_in
from tests.workspace_factories import fast_passwords  # noqa: F401

URL = reverse("insight_statistics")


@pytest.fixture
def cases(authority, other_authority):
    """Two cases of A in March 2025 (web, phone), one in 2026 (web); one of B."""
    made = []
    for owner, channel, created in (
        (authority, Channel.WEB, datetime.datetime(2025, 3, 10, 10, tzinfo=datetime.UTC)),
        (authority, Channel.PHONE, datetime.datetime(2025, 3, 12, 10, tzinfo=datetime.UTC)),
        (authority, Channel.WEB, datetime.datetime(2026, 2, 1, 10, tzinfo=datetime.UTC)),
        (other_authority, Channel.WEB, datetime.datetime(2025, 3, 11, 10, tzinfo=datetime.UTC)),
    ):
        case = CaseFactory(authority=owner, channel=channel)
        Case.objects.filter(pk=case.pk).update(created_at=created)
        made.append(case)
    return made


def table(body: str, caption: str) -> list[list[str]]:
    """The rows (header cell first) of the table whose caption starts with `caption`."""
    soup = BeautifulSoup(body, "html.parser")
    found = next(t for t in soup.find_all("table") if t.caption.get_text(" ", strip=True).startswith(caption))
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in found.find_all("tr")]


def key(body: str, label: str) -> str:
    """The period's value of a key figure."""
    return next(row[1] for row in table(body, "Chiffres clés") if row[0] == label)


def page(client, user, **query) -> str:
    sign_in(client, user)
    response = client.get(URL, query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_year_chosen_changes_the_charts_and_their_tables(client, agent, cases):
    body = page(client, agent, periode="2025")
    assert "année 2025" in body
    # March 2025: one web and one phone request, drawn (the chart's JSON) and tabled.
    received = table(body, "Demandes reçues par mois")
    assert received[0] == ["Mois", "Téléphone", "Formulaire internet", "Total"]
    assert ["mars 2025", "1", "1", "2"] in received
    assert "&quot;mars 2025&quot;" in body
    body_2026 = page(client, agent, periode="2026")
    assert "année 2026" in body_2026 and "mars 2025" not in body_2026


def test_every_chart_has_its_table(client, agent, cases):
    body = page(client, agent, periode="2025")
    assert body.count('<figure class="insight-chart"') == body.count("<caption>") - 2  # key figures, referrals
    assert body.count('role="img"') >= 3
    assert "vendor/dsfr-chart/DSFRChart.js" in body


def test_a_range_of_days(client, agent, cases):
    body = page(client, agent, periode="plage", du="2025-03-11", au="2025-03-31")
    assert "du 11 mars 2025 au 31 mars 2025" in body
    assert key(body, "Demandes reçues") == "1"  # the phone request of the 12th only


def test_a_refused_range_falls_back_to_the_last_twelve_months_and_says_why(client, agent, cases):
    body = page(client, agent, periode="plage", du="2025-03-31", au="2025-03-01")
    assert "La date de fin précède la date de début." in body


def test_filters_of_the_index_apply(client, agent, cases):
    assert key(page(client, agent, periode="2025", channel__exact="phone"), "Demandes reçues") == "1"


def test_the_agent_reads_their_authority_only(client, agent, cases):
    body = page(client, agent, periode="2025")
    assert key(body, "Demandes reçues") == "2"
    assert "Autre Ville" not in body
    assert "Comparaison des collectivités" not in body and "Charge par médiateur" not in body


def test_the_main_agent_reads_the_load_per_agent(client, main_agent, cases):
    assert "Charge par médiateur" in page(client, main_agent, periode="2025")


def test_the_platform_admin_compares_the_authorities(client, platform_admin, cases, other_authority):
    body = page(client, platform_admin, periode="2025")
    assert "Comparaison des collectivités" in body and "Autre Ville" in body
    assert key(body, "Demandes reçues") == "3"
    narrowed = page(client, platform_admin, periode="2025", collectivite=other_authority.pk)
    assert key(narrowed, "Demandes reçues") == "1"
    assert "Comparaison des collectivités" not in narrowed


def test_the_menu_shows_statistics_to_agents_not_to_editors(client, agent, editor):
    sign_in(client, agent)
    assert URL in client.get(reverse("wagtailadmin_home")).content.decode()
    sign_in(client, editor)
    assert URL not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_page_costs_the_same_queries_whatever_the_cases(client, agent, authority, django_assert_num_queries):
    sign_in(client, agent)
    client.get(URL)  # sessions and caches warmed
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(12):
        CaseFactory(authority=authority)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)
