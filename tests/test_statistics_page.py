"""StatisticsPage (issue 13, item 5): an authority's or the platform's yearly figures, open data under Licence
Ouverte 2.0, with every count from 1 to 4 suppressed and nothing that identifies a citizen."""

import codecs
import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from cases.choices import Outcome, Status
from cases.insight.models import StatisticsPage
from cases.insight.public import SUPPRESSED, is_secret
from cases.models import Case, Domain
from pages.models import ContentPage, HomePage
from tests.factories import CaseFactory

YEAR = timezone.localdate().year - 1


def at(month: int, day: int = 10) -> datetime.datetime:
    return datetime.datetime(YEAR, month, day, 10, tzinfo=datetime.UTC)


@pytest.fixture
def cases(authority, other_authority):
    """A: 7 requests in March (6 of « Fiscalité »), 2 in April; 3 closed « Droit à l'Usager ». B: 1 in March."""
    fiscalite = Domain.objects.get(name="Fiscalité", parent=None, authority=None)
    made = []
    for index in range(9):
        case = CaseFactory(
            authority=authority,
            competent=True if index < 6 else None,
            domain=fiscalite if index < 6 else None,
            citizen__last_name=f"Kerouac{index}",
            citizen__email=f"kerouac{index}@exemple.fr",
        )
        closed = index < 3
        Case.objects.filter(pk=case.pk).update(
            created_at=at(3 if index < 7 else 4),
            closed_at=at(5) if closed else None,
            status=Status.CLOSED if closed else Status.TO_PROCESS,
            outcome=Outcome.FAVORABLE_TO_CITIZEN if closed else "",
        )
        made.append(case)
    other = CaseFactory(authority=other_authority)
    Case.objects.filter(pk=other.pk).update(created_at=at(3))
    return made


def publish(parent, **fields) -> StatisticsPage:
    page = parent.add_child(instance=StatisticsPage(title="Nos statistiques", slug="statistiques", **fields))
    page.save_revision().publish()
    return page


def table(body: str, caption: str) -> dict[str, list[str]]:
    soup = BeautifulSoup(body, "html.parser")
    found = next(t for t in soup.find_all("table") if t.caption.get_text(" ", strip=True).startswith(caption))
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in found.find_all("tr")]
    return {row[0]: row[1:] for row in rows[1:]}


def test_editors_may_add_it_under_their_section_and_admins_at_platform_level(authority, editor):
    assert StatisticsPage in authority.page.specific_class.allowed_subpage_models()
    assert StatisticsPage in HomePage.allowed_subpage_models()
    assert StatisticsPage not in ContentPage.allowed_subpage_models()
    assert authority.page.permissions_for_user(editor).can_add_subpage()
    assert StatisticsPage.can_create_at(authority.page)


def test_an_authoritys_year_with_small_counts_suppressed(client, authority, cases):
    page = publish(authority.page, introduction="<p>Notre activité de médiation.</p>")
    response = client.get(page.url, {"annee": YEAR})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Notre activité de médiation." in body and f"Ville de Démo, année {YEAR}" in body
    key = table(body, "Chiffres clés")
    assert key["Demandes reçues"] == ["9"]
    assert key["Dossiers clôturés"] == [SUPPRESSED]  # 3
    assert key["Délai médian de clôture"] == [SUPPRESSED]  # computed over 3 cases: not published
    months = table(body, f"Demandes reçues chaque mois en {YEAR}")
    assert months[f"mars {YEAR}"] == ["7"] and months[f"avril {YEAR}"] == [SUPPRESSED]
    assert months[f"mai {YEAR}"] == ["0"]
    domains = table(body, f"Domaines des demandes reçues en {YEAR}")
    assert domains["Fiscalité"] == ["6"] and domains["Non renseigné"] == [SUPPRESSED]
    # The chart draws no suppressed value: April's bar is a gap (null), March's is 7.
    chart = BeautifulSoup(body, "html.parser").select_one("#graphique-received bar-chart")
    assert chart["y"].startswith("[[0, 0, 7, null, 0")
    for index in range(9):
        assert f"Kerouac{index}" not in body


def test_the_csv_is_open_data_with_its_secret_cells_empty(client, authority, cases):
    page = publish(authority.page)
    response = client.get(page.url + "donnees/", {"annee": YEAR})
    assert response["Content-Disposition"] == f'attachment; filename="statistiques-demo-{YEAR}.csv"'
    assert 'rel="license"' in response["Link"] and "licence-ouverte" in response["Link"]
    data = response.content
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["collectivite", "annee", "indicateur", "categorie", "valeur", "secret_statistique"]
    by_key = {(row[2], row[3]): (row[4], row[5]) for row in rows[1:]}
    assert by_key[("Demandes reçues", "total")] == ("9", "non")
    assert by_key[("Dossiers clôturés", "total")] == ("", "oui")
    assert by_key[("Demandes reçues par mois", f"mars {YEAR}")] == ("7", "non")
    assert by_key[("Demandes reçues par mois", f"avril {YEAR}")] == ("", "oui")
    assert by_key[("Dossiers clôturés par type de clôture", "Droit à l'Usager")] == ("", "oui")
    for value, _ in by_key.values():
        assert value == "" or not is_secret(int(float(value.replace(",", "."))))
    assert b"Kerouac" not in data


def test_the_platform_page_adds_up_every_authority(client, authority, cases):
    home = HomePage.objects.get()
    page = publish(home)
    body = client.get(page.url, {"annee": YEAR}).content.decode()
    assert table(body, "Chiffres clés")["Demandes reçues"] == ["10"]
    assert "Ensemble des collectivités de la plateforme" in body


def test_an_unknown_year_falls_back_to_the_last_complete_one(client, authority, cases):
    page = publish(authority.page)
    body = client.get(page.url, {"annee": "1850"}).content.decode()
    assert f"Ville de Démo, année {YEAR}" in body
