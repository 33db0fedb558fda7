"""Notes of a case: add, edit, delete (any agent of the case's authority)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from cases import notes
from cases.drafts.models import Draft
from cases.drafts.service import discard
from cases.models import Case, Note
from cases.views.actions import case_for
from cases.views.case import case_context, load_case
from cases.views.common import THREAD, case_url, perform, submit
from cases.views.forms import NoteForm


def note_of_case(case: Case, note_pk: int) -> Note:
    try:
        return case.notes.select_related("author", "case").get(pk=note_pk)
    except Note.DoesNotExist:
        raise Http404("Note introuvable.") from None


def note_form_view(request: HttpRequest, case: Case, note: Note | None) -> HttpResponse:
    if note is None:
        initial = {"date": timezone.localdate()}
    else:
        initial = {"date": note.date, "kind": note.kind, "content": note.content}
    form = NoteForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(data: dict) -> None:
        if note is None:
            notes.add_note(request.user, case, **data)
            discard(request.user, case, Draft.Kind.NOTE)
        else:
            notes.update_note(request.user, note, **data)

    success = "Note ajoutée." if note is None else "Note modifiée."
    done = submit(request, case, form, save, success, case_url(case, THREAD))
    if done:
        return done
    page_title = "Ajouter une note" if note is None else "Modifier la note"
    context = case_context(request, case) | {"form": form, "note": note, "page_title": page_title}
    return TemplateResponse(request, "cases/admin/case/note_form.html", context)


def note_add(request: HttpRequest, number: int) -> HttpResponse:
    return note_form_view(request, case_for(request, number), None)


def note_edit(request: HttpRequest, number: int, note_pk: int) -> HttpResponse:
    case = case_for(request, number)
    return note_form_view(request, case, note_of_case(case, note_pk))


def note_delete(request: HttpRequest, number: int, note_pk: int) -> HttpResponse:
    case = load_case(request, number)
    note = note_of_case(case, note_pk)
    if request.method == "POST":
        perform(request, lambda: notes.delete_note(request.user, note), "Note supprimée.")
        return redirect(case_url(case, THREAD))
    context = case_context(request, case) | {
        "page_title": "Supprimer la note",
        "question": f"Supprimer définitivement la note « {note} » ?",
        "confirm": "Oui, supprimer la note",
        "anchor": f"{THREAD}-section",
    }
    return TemplateResponse(request, "cases/admin/case/confirm_delete.html", context)
