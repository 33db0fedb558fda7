"""The charts of the figures, each with the data table that is its text alternative (RGAA 1.x: a complex image).

A `Chart` is what `@gouvfr/dsfr-chart` draws (its `bar-chart`, `line-chart` and `pie-chart` web components
read their data from JSON attributes) and what its table lists, so the drawing and the table can never
disagree: the admin's statistics page, the public StatisticsPage and the annual report's PDF all take
their charts from here.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join

from cases.choices import Channel
from cases.insight.figures import Figures, Month, Pair, Row

BAR, LINE, PIE = "bar-chart", "line-chart", "pie-chart"
EMPTY = "—"
DRAWN_VALUES = 10  # a distribution draws its largest values; its table lists them all
CURRENT, PREVIOUS = "Période", "Période précédente"


@dataclass
class TableRow:
    header: str
    cells: list
    children: list["TableRow"] = field(default_factory=list)

    def html(self, parent: str = "") -> str:
        cells = format_html_join("", "<td>{}</td>", ((EMPTY if cell is None else number(cell),) for cell in self.cells))
        if parent:
            row = format_html(
                '<tr class="insight-chart__child"><th scope="row">{} › {}</th>{}</tr>', parent, self.header, cells
            )
        else:
            row = format_html('<tr><th scope="row">{}</th>{}</tr>', self.header, cells)
        return format_html_join("", "{}", [(row,), *((child.html(self.header),) for child in self.children)])


@dataclass
class Chart:
    slug: str
    title: str
    kind: str
    x: list[str]
    series: list[tuple[str, list[int | float]]]
    headers: list[str]  # the table's column headers, the first one over the row headers
    rows: list[TableRow]
    stacked: bool = False
    horizontal: bool = False
    note: str = ""
    empty_text: str = "Aucun dossier sur cette période."

    def json(self, value) -> str:
        return json.dumps(value, ensure_ascii=False)

    @property
    def x_attribute(self) -> str:
        return self.json([self.x])

    @property
    def y_attribute(self) -> str:
        return self.json([values for _, values in self.series])

    @property
    def name_attribute(self) -> str:
        return self.json(self.x if self.kind == PIE else [name for name, _ in self.series])

    def body_html(self) -> str:
        """The table's rows, built here rather than by template loops: a two-level distribution has a
        hundred rows, and the template language would resolve each cell one lookup at a time."""
        return format_html_join("\n", "{}", ((row.html(),) for row in self.rows))

    @property
    def is_empty(self) -> bool:
        return not any(any(value for value in values if value) for _, values in self.series)


def number(value) -> str:
    """A cell as the template would print it: numbers in the French format (« 4,5 »), text as is."""
    return number_format(value) if isinstance(value, int | float) else str(value)


def month_label(first_day: datetime.date) -> str:
    return date_format(first_day, "F Y")


def by_channel(months: list[Month], kind: str) -> list[tuple[str, list[int]]]:
    series = []
    for value, label in Channel.choices:
        counts = [getattr(month, kind).get(value, 0) for month in months]
        if any(counts):
            series.append((str(label), counts))
    return series


def monthly_chart(figures: Figures, kind: str, title: str) -> Chart:
    months = figures.months
    series = by_channel(months, kind)
    totals = [getattr(month, f"{kind}_total") for month in months]
    return Chart(
        slug=kind,
        title=title,
        kind=BAR,
        x=[month_label(month.first_day) for month in months],
        series=series or [("Total", totals)],
        headers=["Mois", *[name for name, _ in series], "Total"],
        rows=[
            TableRow(month_label(month.first_day), [*[values[index] for _, values in series], totals[index]])
            for index, month in enumerate(months)
        ],
        stacked=True,
    )


def stock_chart(figures: Figures) -> Chart:
    months = figures.months
    return Chart(
        slug="stock",
        title="Dossiers ouverts en fin de mois",
        kind=LINE,
        x=[month_label(month.first_day) for month in months],
        series=[("Dossiers ouverts", [month.open_at_end for month in months])],
        headers=["Mois", "Dossiers ouverts"],
        rows=[TableRow(month_label(month.first_day), [month.open_at_end]) for month in months],
    )


def distribution_chart(slug: str, title: str, rows: list[Row], kind: str = PIE, note: str = "") -> Chart:
    """A distribution: the period's counts drawn (a donut, or bars beside the previous period's), both tabled."""
    drawn = rows[:DRAWN_VALUES]
    labels = [row.label for row in drawn]
    current = [row.counts.current for row in drawn]
    previous = [row.counts.previous for row in drawn]
    if len(rows) > DRAWN_VALUES:
        note = f"le graphique montre les {DRAWN_VALUES} premiers ; le tableau les liste tous"
    series = [(CURRENT, current)] if kind == PIE else [(CURRENT, current), (PREVIOUS, previous)]
    return Chart(
        slug=slug,
        title=title,
        kind=kind,
        x=labels,
        series=series,
        headers=["", CURRENT, PREVIOUS],
        rows=[table_row(row) for row in rows],
        horizontal=kind == BAR,
        note=note,
    )


def table_row(row: Row) -> TableRow:
    return TableRow(row.label, [row.counts.current, row.counts.previous], [table_row(child) for child in row.children])


def charts_of(figures: Figures) -> list[Chart]:
    return [
        monthly_chart(figures, "received", "Demandes reçues par mois, par mode de saisine"),
        monthly_chart(figures, "closed", "Dossiers clôturés par mois, par mode de saisine"),
        stock_chart(figures),
        distribution_chart("status", "Avancement des demandes reçues", figures.by_status),
        distribution_chart("domain", "Domaines des demandes reçues", figures.by_domain, BAR),
        distribution_chart(
            "third_party", "Entités compétentes (demandes hors compétence)", figures.by_third_party, BAR
        ),
        distribution_chart("outcome", "Types de clôture des dossiers clôturés", figures.by_outcome),
        distribution_chart("representation", "Types d'usager", figures.by_representation),
        distribution_chart("gender", "Identité de genre des requérants", figures.by_gender),
    ]


@dataclass
class KeyFigure:
    label: str
    counts: Pair
    unit: str = ""


def key_figures(figures: Figures) -> list[KeyFigure]:
    """The period's main figures beside the previous period's (the statistics page's first table)."""
    return [
        KeyFigure("Demandes reçues", figures.received),
        KeyFigure("Dossiers clôturés", figures.closed),
        KeyFigure("Dossiers ouverts en fin de période", figures.open_at_end),
        KeyFigure("Délai médian de première réponse au requérant", figures.first_answer_median, "jours"),
        KeyFigure("Délai de première réponse, 90e centile", figures.first_answer_p90, "jours"),
        KeyFigure("Délai médian de clôture", figures.closing_median, "jours"),
        KeyFigure("Délai de clôture, 90e centile", figures.closing_p90, "jours"),
        KeyFigure("Part des dossiers en retard sur leur échéance", figures.past_due, "%"),
    ]


REFERRAL_LABELS = {
    "sent": "Transmissions proposées à une autre collectivité",
    "sent_accepted": "… acceptées",
    "sent_declined": "… refusées",
    "received": "Transmissions reçues d'une autre collectivité",
    "received_accepted": "… acceptées",
    "received_declined": "… refusées",
}


def referral_figures(figures: Figures) -> list[KeyFigure]:
    return [KeyFigure(label, figures.referrals[name]) for name, label in REFERRAL_LABELS.items()]
