"""The annual activity report: an authority's civil year as a PDF, the document a mediator hands to the council.

Drawn with reportlab, like the case synthesis (cases/synthesis.py: its styles, its cp1252 text and its
long-text wrapping): the main agent's introduction, the key figures beside the year before, the requests
per month, domains and outcomes as charts (reportlab's own graphics) each followed by its table, the
referrals. Its figures are the statistics page's (figures.py), from the pseudonymised source: no citizen
appears. Built in the background as an export is (a `Job` of kind « report », export.py), found in « Mes
exports », its user told by email.

Who asks for it: a main agent of the authority, or a platform admin (`can_report`); the introduction they
write is kept on the job, and offered again the next time one is asked for that authority and year.
"""

import tempfile
from pathlib import Path

from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from authorities.models import Authority, Role
from authorities.permissions import authority_ids_as, is_platform_admin
from cases.insight.charts import REFERRAL_LABELS, Chart, charts_of, key_figures
from cases.insight.export import finish, queue
from cases.insight.figures import compute
from cases.insight.models import Job, Kind
from cases.insight.period import Period
from cases.insight.scope import scope_for
from cases.synthesis import BLUE, TEXT_WIDTH, Styles, a4_document, in_font, pdf_text, text_flowables

PALETTE = [colors.HexColor(value) for value in ("#000091", "#6a6af4", "#009081", "#c3992a", "#ce614a", "#a558a0")]
CHART_HEIGHT = 60 * mm
REPORT_CHARTS = ("received", "domain", "outcome")
MAX_BARS = 10
COMPRESSION = 1  # page streams compressed (tests read them uncompressed)


def can_report(user, authority: Authority) -> bool:
    return is_platform_admin(user) or authority.pk in authority_ids_as(user, (Role.MAIN_AGENT,))


def reportable_authorities(user) -> list[Authority]:
    """The authorities the user may ask a report for; a 404 for anyone else (an agent, an editor)."""
    if is_platform_admin(user):
        return list(Authority.objects.order_by("name"))
    ids = authority_ids_as(user, (Role.MAIN_AGENT,))
    if not ids:
        raise Http404("Rapport réservé aux médiateurs principaux et aux administrateurs.")
    return list(Authority.objects.filter(pk__in=ids).order_by("name"))


def last_introduction(authority: Authority, year: int) -> str:
    latest = Job.objects.filter(kind=Kind.REPORT, authority=authority, year=year).exclude(introduction="").first()
    return latest.introduction if latest else ""


def start_report(user, authority: Authority, year: int, introduction: str) -> Job:
    if not can_report(user, authority):
        raise Http404("Collectivité introuvable.")
    job = Job.objects.create(
        user=user,
        kind=Kind.REPORT,
        authority=authority,
        year=year,
        introduction=introduction,
        authority_ids=[authority.pk],
        label=f"{authority.name}, année {year}",
    )
    return queue(job)


def table_of(headers: list[str], rows: list[list], styles: Styles) -> Table:
    data = [[Paragraph(pdf_text(str(cell)), styles.label) for cell in headers]]
    data += [[Paragraph(pdf_text("—" if cell is None else str(cell)), styles.body) for cell in row] for row in rows]
    table = Table(data, hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, BLUE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#dddddd")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def drawing_of(chart: Chart) -> Drawing:
    """The chart drawn by reportlab: bars (months, domains) or a pie (outcomes), the period's values only."""
    drawing = Drawing(TEXT_WIDTH, CHART_HEIGHT)
    labels = [in_font(label)[:28] for label in chart.x]
    if chart.stacked:  # requests per month and channel: drawn as the month's total
        values = [sum(series[index] or 0 for _, series in chart.series) for index in range(len(chart.x))]
    else:  # a distribution: the year's values (the first series), its largest ones
        values = [value or 0 for value in chart.series[0][1][:MAX_BARS]]
    if chart.kind == "pie-chart":
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = 10, 5, CHART_HEIGHT - 10, CHART_HEIGHT - 10
        pie.data, pie.labels = values or [1], labels[:MAX_BARS] or [""]
        pie.simpleLabels = 0
        for index in range(len(pie.data)):
            pie.slices[index].fillColor = PALETTE[index % len(PALETTE)]
        drawing.add(pie)
        return drawing
    bars = HorizontalBarChart() if chart.horizontal else VerticalBarChart()
    bars.x, bars.y = (120, 10) if chart.horizontal else (30, 30)
    bars.width, bars.height = TEXT_WIDTH - bars.x - 10, CHART_HEIGHT - bars.y - 5
    bars.data = [values or [0]]
    bars.categoryAxis.categoryNames = labels[: len(values)] or [""]
    bars.categoryAxis.labels.fontSize = 6
    if not chart.horizontal:
        bars.categoryAxis.labels.angle = 45
        bars.categoryAxis.labels.boxAnchor = "ne"
    bars.valueAxis.valueMin = 0
    bars.bars[0].fillColor = BLUE
    drawing.add(bars)
    return drawing


def build_report(job: Job, path: Path) -> int:
    """Write the report's PDF to `path`; returns the number of requests of the year."""
    figures = compute(scope_for(job.user, job.authority_id), Period.year(job.year))
    styles = Styles()
    title = f"Rapport d'activité {job.year} — {job.authority.name}"
    document = a4_document(str(path), title=title, author=job.authority.name, compress=bool(COMPRESSION))
    generated = date_format(timezone.localtime(), "d/m/Y")
    story = [
        Paragraph(pdf_text(f"Rapport d'activité de la médiation — {job.year}"), styles.title),
        Paragraph(pdf_text(f"{job.authority.name} — document généré le {generated}"), styles.subtitle),
    ]
    if job.introduction:
        story += [Paragraph("Introduction", styles.heading), *text_flowables(job.introduction, styles.body)]
    story += [
        Paragraph("Chiffres clés", styles.heading),
        table_of(
            ["Indicateur", str(job.year), str(job.year - 1)],
            [[item.label, item.counts.current, item.counts.previous] for item in key_figures(figures)],
            styles,
        ),
    ]
    for chart in charts_of(figures):
        if chart.slug not in REPORT_CHARTS:
            continue
        story += [Paragraph(pdf_text(chart.title), styles.heading)]
        if not chart.is_empty:
            story.append(drawing_of(chart))
        headers = [header or "Valeur" for header in chart.headers]
        story.append(table_of(headers, [[row.header, *row.cells] for row in chart.rows], styles))
    story += [
        Paragraph("Transmissions entre collectivités", styles.heading),
        table_of(
            ["", str(job.year), str(job.year - 1)],
            [[REFERRAL_LABELS[name], pair.current, pair.previous] for name, pair in figures.referrals.items()],
            styles,
        ),
        Paragraph(
            pdf_text(
                "Chiffres issus de Médiature, sans donnée nominative. Délais en jours calendaires depuis la demande."
            ),
            styles.small,
        ),
    ]
    document.build(story)
    return figures.received.current


def run_report(job: Job) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"rapport-activite-{job.authority.slug}-{job.year}.pdf"
        received = build_report(job, path)
        finish(job, path, received)
