"""The case synthesis as a PDF download (cases/synthesis.py draws it)."""

from django.http import HttpRequest, HttpResponse

from cases import audit
from cases.models import Message
from cases.synthesis import build_synthesis
from cases.views.case import load_case
from cases.views.documents import attachment_response


def synthesis(request: HttpRequest, number: int) -> HttpResponse:
    case = load_case(request, number)
    notes = list(case.notes.select_related("author"))
    messages = list(Message.objects.filter(case_links__case=case).order_by("created_at", "pk"))
    pdf = build_synthesis(case, notes, messages)
    audit.record(request, audit.Action.SYNTHESIS_DOWNLOADED, obj=case)
    return attachment_response(pdf, f"dossier-{case.number}.pdf", "application/pdf")
