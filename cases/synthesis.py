"""« Synthèse du dossier n°N »: the whole case as a PDF, drawn with reportlab.

Unlike the original (general information, contact details and request only,
with « Réponse reçue ? » printing the prior complaint instead of its answer),
the synthesis holds every field of the case, its competence, its notes, a
summary of its messages and its closing.

reportlab is pure Python and its built-in Helvetica, encoded in WinAnsi
(cp1252), covers French; any character outside it becomes « ? » rather than
a missing glyph.

Free texts (the request, notes, the closing's result) have no length limit: they
are drawn outside tables, as flowing text wrapped here once (`text_flowables`).
"""

import functools
import io
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cases.models import Case, Message, Note
from cases.notes import as_text
from cases.workflow import EMPTY, display, person

BLUE = colors.HexColor("#000091")
GREY = colors.HexColor("#666666")
LABEL_WIDTH = 62 * mm
MARGIN = 18 * mm
FRAME_PADDING = 6  # reportlab's Frame pads its content by 6 points on each side
TEXT_WIDTH = A4[0] - 2 * MARGIN - 2 * FRAME_PADDING
LINES_PER_PARAGRAPH = 40


def in_font(value: str) -> str:
    """The text in cp1252, the encoding of the built-in fonts: other characters become « ? »."""
    return str(value).encode("cp1252", "replace").decode("cp1252")


def pdf_text(value: str) -> str:
    """Text for a Paragraph: cp1252 only, markup escaped, line breaks kept."""
    return escape(in_font(value)).replace("\n", "<br/>")


def word_pieces(word: str, width: float, measure) -> Iterator[str]:
    """The word, or pieces of it that each fit `width` when it is wider (a long URL, a run of characters)."""
    if measure(word) <= width:
        yield word
        return
    start, used = 0, 0.0
    for index, character in enumerate(word):
        character_width = measure(character)
        if used + character_width > width and index > start:
            yield word[start:index]
            start, used = index, 0.0
        used += character_width
    yield word[start:]


def wrapped_lines(text: str, font: str, size: float, width: float) -> Iterator[str]:
    """The text broken into lines that fit `width`: source line breaks kept, words wrapped greedily.

    Each character is measured a bounded number of times, so the time is linear in the text's length.
    """
    measure = functools.lru_cache(maxsize=4096)(lambda value: stringWidth(value, font, size))
    space = measure(" ")
    for source_line in in_font(text).split("\n"):
        words, used = [], 0.0
        for word in source_line.split():
            for piece in word_pieces(word, width, measure):
                piece_width = measure(piece)
                if words and used + space + piece_width > width:
                    yield " ".join(words)
                    words, used = [], 0.0
                used += piece_width + (space if words else 0)
                words.append(piece)
        yield " ".join(words)


def text_flowables(text: str, style: ParagraphStyle) -> list[Flowable]:
    """A free text of any length as paragraphs of at most LINES_PER_PARAGRAPH lines that already fit the page.

    A table row never breaks across pages (a long text in a cell raised LayoutError), and reportlab
    wraps a paragraph's remaining text again at each page it spans (quadratic: a 1 MB note outlasted
    the web worker's timeout). Wrapped once here and handed over in bounded paragraphs, the text
    flows from page to page in a time linear in its length.
    """
    lines = [escape(line) for line in wrapped_lines(text, style.fontName, style.fontSize, TEXT_WIDTH)]
    return [
        Paragraph("<br/>".join(lines[start : start + LINES_PER_PARAGRAPH]), style)
        for start in range(0, len(lines), LINES_PER_PARAGRAPH)
    ]


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
        ("Adresse électronique du dossier", case.reply_address),
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
    ]


def long_field(label: str, text: str, styles: Styles) -> list[Flowable]:
    """A free-text field: its label, then its text flowing across pages (see `text_flowables`)."""
    return [Paragraph(pdf_text(label), styles.label), Spacer(1, 1 * mm), *text_flowables(text, styles.body)]


def notes_flowables(notes: list[Note], styles: Styles) -> list:
    if not notes:
        return [Paragraph("Aucune note.", styles.body)]
    flowables = []
    for note in notes:
        heading = f"{note.get_kind_display()} du {date_format(note.date, 'd/m/Y')} — {person(note.author)}"
        flowables += [
            Paragraph(pdf_text(heading), styles.label),
            *text_flowables(as_text(note.content), styles.body),
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


def a4_document(target, *, title: str, author: str, compress: bool) -> SimpleDocTemplate:
    """An A4 document with the platform's margins (the case synthesis, the annual report); `target` is a path or
    a file; `compress=False` leaves the page streams readable (for tests)."""
    return SimpleDocTemplate(
        target,
        pagesize=A4,
        title=title,
        author=author,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        pageCompression=1 if compress else 0,
    )


def build_synthesis(case: Case, notes: list[Note], messages: list[Message], *, compress: bool = True) -> bytes:
    """The PDF bytes; `compress=False` leaves the page streams readable (for tests)."""
    styles = Styles()
    buffer = io.BytesIO()
    document = a4_document(
        buffer, title=f"Synthèse du dossier n°{case.number}", author=case.authority.name, compress=compress
    )
    generated = date_format(timezone.localtime(), "d/m/Y à H:i")
    story = [
        Paragraph(pdf_text(f"Synthèse du dossier n°{case.number}"), styles.title),
        Paragraph(pdf_text(f"{case.authority.name} — document généré le {generated}"), styles.subtitle),
    ]
    sections = [
        ("Informations générales", [fields_table(general_rows(case), styles)]),
        ("Coordonnées", [fields_table(contact_rows(case), styles)]),
        (
            "Demande",
            [*long_field("Motif de la demande", case.description, styles), fields_table(request_rows(case), styles)],
        ),
        ("Compétence", [fields_table(competence_rows(case), styles)]),
        (f"Notes ({len(notes)})", notes_flowables(notes, styles)),
        (f"Messages ({len(messages)})", messages_flowables(messages, styles)),
        (
            "Clôture",
            [
                fields_table(closing_rows(case), styles),
                *long_field("Résultat final (note interne)", display(case, "conclusion"), styles),
            ],
        ),
    ]
    for heading, flowables in sections:
        story += [Paragraph(pdf_text(heading), styles.heading), *flowables]
    document.build(story)
    return buffer.getvalue()
