"""The composers' autosave: POST only, for an agent of the case (404 otherwise), answers 204."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed

from cases.access import get_case_or_404
from cases.drafts import service
from cases.drafts.models import Draft
from cases.views.composers import MessageForm
from cases.views.forms import NoteForm

FORMS = {Draft.Kind.REPLY: MessageForm, Draft.Kind.NOTE: NoteForm}


def draft_save(request: HttpRequest, number: int, kind: str) -> HttpResponse:
    case = get_case_or_404(request.user, number)
    if kind not in FORMS:
        raise Http404("Brouillon inconnu.")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    service.save(request.user, case, kind, FORMS[kind](request.POST))
    return HttpResponse(status=204)
