"""The public figures of a civil year (the StatisticsPage, and its CSV under Licence Ouverte 2.0).

An authority's, or the whole platform's: requests received per month, domains (first level), outcomes,
delays. Statistical secrecy: any count from 1 to 4 is shown « < 5 » and left out of the charts and the
CSV (its cell empty, `secret_statistique` = oui), and a delay computed over fewer than 5 cases is not
shown, so no figure can single out a citizen. The figures come from the same source and service as the
agents' page (figures.py); nothing else of a case is read.
"""

import csv
import io
from dataclasses import dataclass

from django.utils import timezone

from cases.insight.charts import BAR, PIE, Chart, TableRow, month_label
from cases.insight.figures import Figures, Row, compute
from cases.insight.period import Period
from cases.insight.scope import Scope

SUPPRESSED_BELOW = 5
SUPPRESSED = "< 5"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LICENCE_NAME = "Licence Ouverte / Open Licence version 2.0"
YEARS_SHOWN = 5
SUPPRESSED_NOTE = "« < 5 » : moins de 5 dossiers, non publié (secret statistique)"
NOTHING_TO_DRAW = "Rien à dessiner : aucun dossier, ou moins de 5 par valeur (secret statistique)."
CSV_HEADERS = ["collectivite", "annee", "indicateur", "categorie", "valeur", "secret_statistique"]


def is_secret(value) -> bool:
    return isinstance(value, int) and 0 < value < SUPPRESSED_BELOW


def shown(value):
    """A count as published: « < 5 » for 1 to 4."""
    return SUPPRESSED if is_secret(value) else value


def drawn(value):
    """A count as drawn: none for 1 to 4 (the chart leaves a gap rather than show it)."""
    return None if is_secret(value) else value


@dataclass
class Indicator:
    """One published figure: what, of which category, its value (None when secret or unknown)."""

    name: str
    category: str
    value: int | float | None
    secret: bool = False

    @property
    def display(self):
        return SUPPRESSED if self.secret else ("—" if self.value is None else self.value)


@dataclass
class PublicFigures:
    name: str  # the authority's name, or the platform's
    year: int
    headline: list[Indicator]  # the key figures, first on the page
    indicators: list[Indicator]  # every published figure (the CSV): the key figures, then the distributions
    charts: list[Chart]


def count(name: str, category: str, value: int) -> Indicator:
    return Indicator(name, category, None if is_secret(value) else value, is_secret(value))


def delay(name: str, value: float | None, over: int) -> Indicator:
    """A delay is published only when computed over 5 cases or more."""
    return Indicator(name, "jours", value if over >= SUPPRESSED_BELOW else None, secret=0 < over < SUPPRESSED_BELOW)


def distribution(slug: str, title: str, rows: list[Row], kind: str) -> Chart:
    return Chart(
        slug=slug,
        title=title,
        kind=kind,
        x=[row.label for row in rows],
        series=[("Dossiers", [drawn(row.counts.current) for row in rows])],
        headers=["", "Dossiers"],
        rows=[TableRow(row.label, [shown(row.counts.current)]) for row in rows],
        horizontal=kind == BAR,
        note=SUPPRESSED_NOTE,
        empty_text=NOTHING_TO_DRAW,
    )


def public_figures(figures: Figures, name: str) -> PublicFigures:
    year = figures.period.first_day.year
    months = figures.months
    received = Chart(
        slug="received",
        title=f"Demandes reçues chaque mois en {year}",
        kind=BAR,
        x=[month_label(month.first_day) for month in months],
        series=[("Demandes reçues", [drawn(month.received_total) for month in months])],
        headers=["Mois", "Demandes reçues"],
        rows=[TableRow(month_label(month.first_day), [shown(month.received_total)]) for month in months],
        note=SUPPRESSED_NOTE,
        empty_text=NOTHING_TO_DRAW,
    )
    headline = [
        count("Demandes reçues", "total", figures.received.current),
        count("Dossiers clôturés", "total", figures.closed.current),
        delay(
            "Délai médian de première réponse", figures.first_answer_median.current, figures.first_answer_count.current
        ),
        delay("Délai médian de clôture", figures.closing_median.current, figures.closing_count.current),
        delay("Délai de clôture, 90e centile", figures.closing_p90.current, figures.closing_count.current),
    ]
    indicators = [
        *headline,
        *[count("Demandes reçues par mois", month_label(m.first_day), m.received_total) for m in months],
        *[count("Demandes reçues par domaine", row.label, row.counts.current) for row in figures.by_domain],
        *[count("Dossiers clôturés par type de clôture", row.label, row.counts.current) for row in figures.by_outcome],
    ]
    charts = [
        received,
        distribution("domain", f"Domaines des demandes reçues en {year}", figures.by_domain, BAR),
        distribution("outcome", f"Types de clôture des dossiers clôturés en {year}", figures.by_outcome, PIE),
    ]
    return PublicFigures(name, year, headline, indicators, charts)


def figures_of_year(authority, year: int) -> PublicFigures:
    """The published figures of an authority (None: the whole platform) for a civil year."""
    scope = Scope([authority.pk] if authority else None, [], platform=False, load_authority_ids=[])
    figures = compute(scope, Period.year(year))
    return public_figures(figures, authority.name if authority else "Ensemble des collectivités de la plateforme")


def years_offered(today=None) -> list[int]:
    """The civil years a visitor may choose, the last complete one first."""
    current = (today or timezone.localdate()).year
    return list(range(current, current - YEARS_SHOWN, -1))


def as_csv(published: PublicFigures) -> str:
    """The indicators as CSV (UTF-8 with BOM, `;`), a secret cell left empty and flagged."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for item in published.indicators:
        value = "" if item.value is None else item.value
        writer.writerow(
            [published.name, published.year, item.name, item.category, value, "oui" if item.secret else "non"]
        )
    return buffer.getvalue()
