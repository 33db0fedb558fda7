"""The case synthesis PDF (issue #3 §10): every field, notes, messages, closing; the original's bug fixed."""

import base64
import re
import time
import zlib

import pytest
from django.urls import reverse
from reportlab.pdfbase.pdfmetrics import stringWidth

from cases import synthesis, workflow
from cases.choices import NoteKind, Outcome
from cases.mail.sanitize import sanitize_note_html
from cases.models import Case, Citizen, Message
from cases.synthesis import build_synthesis
from tests.factories import CaseFactory
from tests.workspace_factories import MessageFactory, NoteFactory, fast_passwords  # noqa: F401

PDF_STRING = re.compile(rb"\((.*?)(?<!\\)\)\s*Tj", re.DOTALL)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"(": b"(", b")": b")", b"\\": b"\\"}


def pdf_text(pdf: bytes) -> str:
    """The text drawn in a reportlab PDF: page streams decoded, string operands unescaped, cp1252 decoded."""
    streams = re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL)
    text = []
    for stream in streams:
        stream = stream.strip()
        if stream.endswith(b"~>"):  # reportlab's compressed pages: ASCII85 then Flate
            stream = zlib.decompress(base64.a85decode(stream[:-2]))
        for raw in PDF_STRING.findall(stream):
            unescaped = re.sub(
                rb"\\([0-7]{1,3}|.)",
                lambda m: bytes([int(m.group(1), 8)]) if m.group(1).isdigit() else ESCAPES.get(m.group(1), m.group(1)),
                raw,
            )
            text.append(unescaped.decode("cp1252"))
    return "\n".join(text)


@pytest.fixture
def case(authority, agent):
    case = CaseFactory(authority=authority, assignee=agent, description="Facture d'eau contestée", channel="phone")
    Citizen.objects.filter(pk=case.pk).update(first_name="Zoé", last_name="Œillet", phone="+33612345678")
    Case.objects.filter(pk=case.pk).update(prior_complaint=True, prior_complaint_answered=False)
    NoteFactory(case=case, author=agent, kind=NoteKind.PHONE_CALL, content="<p>Appel : <strong>rappeler</strong></p>")
    MessageFactory(cases=[case], subject="Ma réclamation (suite)")
    case = Case.objects.get(pk=case.pk)
    workflow.close(agent, case, {"outcome": Outcome.PARTIAL, "conclusion": "Remise de 50 €."})
    return Case.objects.get(pk=case.pk)


def test_download_is_a_pdf_attachment(client, agent, case):
    client.force_login(agent)
    response = client.get(reverse("case:synthesis", args=[case.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="dossier-{case.number}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert f"Synthèse du dossier n°{case.number}" in text
    assert "Zoé" in text and "Œillet" in text


def test_every_section_is_in_the_synthesis(case):
    notes = list(case.notes.all())
    messages = list(Message.objects.filter(case_links__case=case))
    text = pdf_text(build_synthesis(case, notes, messages, compress=False))
    for expected in (
        "Informations générales",
        case.authority.name,
        "Téléphone",  # channel
        "Coordonnées",
        "06 12 34 56 78",
        "Facture d'eau contestée",
        "Compétence",
        "Appel téléphonique du",
        "Appel : rappeler",
        "Ma réclamation (suite)",
        "usager@exemple.fr",
        "Reçu",
        "Clôture",
        "Droit partiel Usager/Administration",
        "Remise de 50 €.",
        case.reply_address,
    ):
        assert expected in text, expected


def test_answer_received_prints_its_own_field(case):
    """The original printed « Premier recours effectué » again on the « Réponse reçue » line."""
    text = pdf_text(build_synthesis(case, [], [], compress=False))
    lines = text.splitlines()
    prior = lines.index("Premier recours à l'amiable effectué ?")
    answer = lines.index("Réponse de l'administration reçue ?")
    assert lines[prior + 1] == "Oui"
    assert lines[answer + 1] == "Non"


def test_characters_outside_the_font_do_not_break_it(case):
    Citizen.objects.filter(pk=case.pk).update(last_name="Иванов 🙂")
    case = Case.objects.get(pk=case.pk)
    assert build_synthesis(case, [], []).startswith(b"%PDF")


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def test_a_long_request_flows_across_pages(case):
    """A request of 61 lines or 4,100 characters was one table cell taller than a page: LayoutError, HTTP 500."""
    lines = [f"Ligne {number} du motif de la demande." for number in range(1, 201)]
    case.description = "\n".join(lines)
    pdf = build_synthesis(case, [], [], compress=False)
    text = pdf_text(pdf).splitlines()
    assert all(line in text for line in lines)
    assert page_count(pdf) > 2


def test_an_unbreakable_word_wraps_within_the_page(case):
    """A 5,000-character word (a pasted token, a long URL) is cut into lines that fit the page's width."""
    case.description = "x" * 5000
    text = pdf_text(build_synthesis(case, [], [], compress=False)).splitlines()
    pieces = [line for line in text if set(line) == {"x"}]
    assert "".join(pieces) == case.description
    assert len(pieces) > 10
    assert max(stringWidth(piece, "Helvetica", 9) for piece in pieces) <= synthesis.TEXT_WIDTH


def test_notes_rich_text_is_drawn_as_text(case, agent):
    """Draftail's sanitised HTML is drawn as plain text: markup in what the agent typed is shown, never obeyed."""
    html = sanitize_note_html(
        '<p>Tarif &lt;font color="red"&gt; &amp; <a href="https://exemple.fr">le lien</a></p>'
        "<ul><li>premier</li><li>second</li></ul><script>alert(1)</script>"
    )
    note = NoteFactory(case=case, author=agent, content=html)
    text = pdf_text(build_synthesis(case, [note], [], compress=False))
    assert 'Tarif <font color="red"> & le lien' in text.replace("\n", "")  # one line, drawn in several strings
    assert "premier\nsecond" in text
    assert "alert" not in text and "https" not in text


def synthesis_seconds(case, note_size: int) -> float:
    note = NoteFactory.build(case=case, content=f"<p>{'Appel du requérant. ' * (note_size // 20)}</p>")
    start = time.perf_counter()
    build_synthesis(case, [note], [])
    return time.perf_counter() - start


def test_time_grows_linearly_with_the_text(case):
    """reportlab wrapped a paragraph's rest again at each page: eight times the text took sixty times as long."""
    small = min(synthesis_seconds(case, 50_000) for _ in range(3))
    large = synthesis_seconds(case, 400_000)
    assert large / small < 24  # linear: about 8; quadratic: about 64


def test_a_megabyte_note_and_a_long_request_download_in_time(client, agent, case):
    """The 1 MB note outlasted gunicorn's 30-second timeout (worker killed); the request raised LayoutError."""
    Case.objects.filter(pk=case.pk).update(description="Motif très détaillé. " * 2500)
    NoteFactory(case=case, author=agent, content=f"<p>{'Compte rendu de la réunion. ' * 37500}</p>")
    client.force_login(agent)
    start = time.perf_counter()
    response = client.get(reverse("case:synthesis", args=[case.number]))
    assert response.status_code == 200
    assert time.perf_counter() - start < 30
    assert page_count(response.content) > 100
