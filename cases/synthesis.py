"""« Synthèse du dossier n°N »: the whole case as a PDF, drawn with reportlab.

Unlike the original (general information, contact details and request only,
with « Réponse reçue ? » printing the prior complaint instead of its answer),
the synthesis holds every field of the case, its competence, its notes, a
summary of its messages and its closing.

reportlab is pure Python and its built-in Helvetica, encoded in WinAnsi
(cp1252), covers French; any character outside it becomes « ? » rather than
a missing glyph.
"""

import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cases.models import Case, Message, Note
from cases.notes import as_text
from cases.workflow import EMPTY, display, person

BLUE = colors.HexColor("#000091")
GREY = colors.HexColor("#666666")
LABEL_WIDTH = 62 * mm


def pdf_text(value: str) -> str:
    """Text for a Paragraph: cp1252 only, markup escaped, line breaks kept."""
    value = str(value).encode("cp1252", "replace").decode("cp1252")
    return escape(value).replace("\n", "<br/>")


class Styles:
    def __init__(self) -> None:
        sheet = getSampleStyleSheet()
        self.title = ParagraphStyle("title", parent=sheet["Title"], textColor=BLUE, fontSize=18, spaceAfter=2 * mm)
        self.subtitle = ParagraphStyle("subtitle", parent=sheet["Normal"], alignment=1, textColor=GREY)
        self.heading = ParagraphStyle(
            "heading", parent=sheet["Heading2"], textColor=BLUE, spaceBefore=6 * mm, spaceAfter=2 * mm
        )
        self.label = ParagraphStyle("label", parent=sheet["Normal"], fontName="Helvetica-Bold", fontSize=9)
        self.body = ParagraphStyle("body", parent=sheet["Normal"], fontSize=9, leading=12)
        self.small = ParagraphStyle("small", parent=self.body, textColor=GREY, fontSize=8)


def fields_table(rows: Iterable[tuple[str, str]], styles: Styles) -> Table:
    data = [
        [Paragraph(pdf_text(label), styles.label), Paragraph(pdf_text(value), styles.body)] for label, value in rows
    ]
    table = Table(data, colWidths=[LABEL_WIDTH, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dddddd")),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def general_rows(case: Case) -> list[tuple[str, str]]:
    return [
        ("Collectivité saisie", case.authority.name),
        ("Date de la demande", display(case, "created_at")),
        ("Mode de saisine", display(case, "channel")),
        ("Origine de la demande", display(case, "originator")),
        ("Avancement du dossier", display(case, "status")),
        ("Médiateur assigné", person(case.assignee)),
        ("Échéance", display(case, "due_date")),
        ("Email du dossier", case.reply_address),
    ]


def contact_rows(case: Case) -> list[tuple[str, str]]:
    citizen = case.citizen
    return [
        ("Identité de genre", display(citizen, "gender")),
        ("Prénom", display(citizen, "first_name")),
        ("Nom", display(citizen, "last_name")),
        ("Type de requérant", display(citizen, "representation")),
        ("Email", display(citizen, "email")),
        ("Téléphone", display(citizen, "phone")),
        ("Adresse", display(citizen, "street")),
        ("Code postal", display(citizen, "postal_code")),
        ("Ville", display(citizen, "city")),
        ("Pays", display(citizen, "country")),
    ]


def request_rows(case: Case) -> list[tuple[str, str]]:
    return [
        ("Motif de la demande", case.description),
        ("Premier recours à l'amiable effectué ?", display(case, "prior_complaint")),
        ("Réponse de l'administration reçue ?", display(case, "prior_complaint_answered")),
        ("Copie des réponses envoyée au requérant", display(case, "email_copy_wanted")),
    ]


def competence_rows(case: Case) -> list[tuple[str, str]]:
    return [
        ("Compétence de la collectivité", display(case, "competent")),
        ("Domaine", display(case, "domain")),
        ("Tiers compétent", display(case, "competent_third_party")),
    ]


def closing_rows(case: Case) -> list[tuple[str, str]]:
    return [
        ("Date de clôture", display(case, "closed_at")),
        ("Type de clôture", display(case, "outcome")),
        ("A conduit à une médiation en présentiel", display(case, "face_to_face")),
        ("Accord des parties ?", display(case, "agreement")),
        ("Poursuite au tribunal administratif ?", display(case, "court_next")),
        ("Résultat final (note interne)", display(case, "conclusion")),
    ]


def notes_flowables(notes: list[Note], styles: Styles) -> list:
    if not notes:
        return [Paragraph("Aucune note.", styles.body)]
    flowables = []
    for note in notes:
        heading = f"{note.get_kind_display()} du {date_format(note.date, 'd/m/Y')} — {person(note.author)}"
        flowables += [
            Paragraph(pdf_text(heading), styles.label),
            Paragraph(pdf_text(as_text(note.content)), styles.body),
        ]
        flowables.append(Spacer(1, 2 * mm))
    return flowables


def messages_flowables(messages: list[Message], styles: Styles) -> list:
    if not messages:
        return [Paragraph("Aucun message.", styles.body)]
    header = ["Date", "Sens", "De", "Objet"]
    rows = [
        [
            date_format(timezone.localtime(message.created_at), "d/m/Y H:i"),
            message.get_direction_display(),
            message.from_email,
            message.content_subject or message.subject or EMPTY,
        ]
        for message in messages
    ]
    data = [[Paragraph(pdf_text(cell), styles.label) for cell in header]]
    data += [[Paragraph(pdf_text(cell), styles.body) for cell in row] for row in rows]
    table = Table(data, colWidths=[28 * mm, 18 * mm, 50 * mm, None], hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dddddd")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f5f5fe")),
            ]
        )
    )
    return [table]


def build_synthesis(case: Case, notes: list[Note], messages: list[Message], *, compress: bool = True) -> bytes:
    """The PDF bytes; `compress=False` leaves the page streams readable (for tests)."""
    styles = Styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Synthèse du dossier n°{case.number}",
        author=case.authority.name,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        pageCompression=1 if compress else 0,
    )
    generated = date_format(timezone.localtime(), "d/m/Y à H:i")
    story = [
        Paragraph(pdf_text(f"Synthèse du dossier n°{case.number}"), styles.title),
        Paragraph(pdf_text(f"{case.authority.name} — document généré le {generated}"), styles.subtitle),
    ]
    sections = [
        ("Informations générales", general_rows(case)),
        ("Coordonnées", contact_rows(case)),
        ("Demande", request_rows(case)),
        ("Compétence", competence_rows(case)),
    ]
    for heading, rows in sections:
        story += [Paragraph(pdf_text(heading), styles.heading), fields_table(rows, styles)]
    story += [Paragraph(f"Notes ({len(notes)})", styles.heading), *notes_flowables(notes, styles)]
    story += [Paragraph(f"Messages ({len(messages)})", styles.heading), *messages_flowables(messages, styles)]
    story += [Paragraph("Clôture", styles.heading), fields_table(closing_rows(case), styles)]
    document.build(story)
    return buffer.getvalue()
