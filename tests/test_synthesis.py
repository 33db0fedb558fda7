"""The case synthesis PDF (issue #3 §10): every field, notes, messages, closing; the original's bug fixed."""

import base64
import re
import zlib

import pytest
from django.urls import reverse

from cases import workflow
from cases.choices import NoteKind, Outcome
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
