"""The case page (thread and facts, cases/views/thread.py), its section edits and its side column's save."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from cases import audit, workflow
from cases.access import get_case_or_404
from cases.dates import due_state
from cases.documents import MAX_CASE_DOCUMENTS, case_documents
from cases.drafts.models import Draft
from cases.drafts.service import drafts_of
from cases.models import Attachment, Case, MessageCase
from cases.referral.service import pending_event
from cases.views.common import add_service_errors, case_url, refuse, submit
from cases.views.composers import note_composer, reply_composer
from cases.views.forms import SECTIONS, FactsForm, Section, SectionForm, UploadForm
from cases.views.neighbours import LIST_PARAM, neighbours
from cases.views.thread import build_thread

CASE_RELATIONS = ("citizen", "assignee", "authority", "domain__parent", "competent_third_party__parent")


def load_case(request: HttpRequest, number: int) -> Case:
    """The case through the scoping helper, with what every case template shows, in one query."""
    return get_case_or_404(request.user, number, *CASE_RELATIONS)


def attach_message_documents(links: list[MessageCase], documents: list[Attachment]) -> None:
    """Give each message its attachments from the case's documents, already read (they hold every file of
    the case's messages), instead of reading them again: stored the way `prefetch_related` stores them, so
    `message.attachments.all()` (the message card, inline images) asks nothing."""
    by_message = defaultdict(list)
    for document in documents:
        if document.message_id:
            by_message[document.message_id].append(document)
    for link in links:
        attachments = link.message.attachments.all()
        attachments._result_cache, attachments._prefetch_done = by_message[link.message_id], True
        link.message._prefetched_objects_cache = {"attachments": attachments}


def section_rows(section: Section, case: Case) -> list[tuple[str, str]]:
    rows = [(workflow.label(case, name), workflow.display(case, name)) for name in section.case_fields]
    rows += [
        (workflow.label(case.citizen, name), workflow.display(case.citizen, name)) for name in section.citizen_fields
    ]
    if section.slug == "origine":
        rows.insert(0, ("Date de la demande", workflow.display(case, "created_at")))
    if section.slug == "cloture":
        rows.insert(0, ("Date de clôture", workflow.display(case, "closed_at")))
    return rows


def case_context(request: HttpRequest, case: Case) -> dict:
    """What the case header shows, on the case page and on the pages of its actions."""
    return {
        "case": case,
        "citizen": case.citizen,
        "rights": workflow.rights(request.user, case),
        "citizen_heading": f"{case.citizen.title} {case.citizen.full_name}".strip(),
        "due_state": due_state(case.due_date),
    }


def detail(request: HttpRequest, number: int) -> TemplateResponse:
    case = load_case(request, number)
    audit.record(request, audit.Action.CASE_VIEWED, obj=case)
    if case.anonymised_at:
        from cases.privacy.views import anonymised_detail  # it builds on this module

        return anonymised_detail(request, case)
    return case_page(request, case)


def facts_form(request: HttpRequest, case: Case, data=None) -> FactsForm:
    """The side column's form; the main agent chooses the assignee among the authority's agents."""
    agents = workflow.assignable_agents(case) if workflow.rights(request.user, case).is_main_agent else None
    return FactsForm(case, agents, data)


def case_page(request: HttpRequest, case: Case, facts: FactsForm | None = None) -> TemplateResponse:
    """The case on one screen: the thread in the main column, the facts in the side column. `facts` is the
    side column's form sent with errors, shown again with what was typed."""
    links = list(
        MessageCase.objects.filter(case=case)
        .select_related("message", "message__sent_by")
        .order_by("-message__created_at", "-message__pk")
    )
    documents = list(case_documents(case))
    attach_message_documents(links, documents)
    events = list(case.events.select_related("actor").order_by("-created_at", "-pk"))
    notes = list(case.notes.select_related("author"))
    drafts = drafts_of(request.user, case)
    reply_form, reply_to = reply_composer(case, links, drafts.get(Draft.Kind.REPLY))
    note_form = note_composer(drafts.get(Draft.Kind.NOTE))
    facts = facts or facts_form(request, case)
    context = case_context(request, case) | {
        "sections": [(section, section_rows(section, case)) for section in SECTIONS.values()],
        "thread": build_thread(links, notes, documents, events),
        "to_process": sum(1 for link in links if link.processed is False),
        "first_to_process": f"message-{reply_to.pk}" if reply_to else "",
        "reply_form": reply_form,
        "reply_to": reply_to,
        "note_form": note_form,
        "media": reply_form.media + note_form.media,
        "max_documents": MAX_CASE_DOCUMENTS,
        "pending_referral": pending_event(events),
        "similar_cases": workflow.similar_cases(request.user, case),
        "facts_form": facts,
        "neighbours": neighbours(request.user, case, request.GET.get(LIST_PARAM, "")),
        "upload_form": UploadForm(),
    }
    return TemplateResponse(request, "cases/admin/case/detail.html", context)


def facts(request: HttpRequest, number: int) -> HttpResponse:
    """The side column sent: saved together, or the case page again with the errors and what was typed."""
    case = load_case(request, number)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = facts_form(request, case, request.POST)
    if form.is_valid():
        try:
            workflow.update_facts(request.user, case, **form.changes())
        except PermissionDenied as error:
            return refuse(request, case, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Informations du dossier enregistrées.")
            return redirect(case_url(case))
    messages.error(request, "Rien n'a été enregistré : corrigez les erreurs signalées.")
    return case_page(request, case, form)


def edit(request: HttpRequest, number: int, section: str) -> HttpResponse:
    case = load_case(request, number)
    if section not in SECTIONS:
        raise Http404("Section inconnue.")
    section = SECTIONS[section]
    form = SectionForm(section, case, request.POST if request.method == "POST" else None)

    def save(data: dict) -> None:
        workflow.update_fields(request.user, case, *form.values())

    done = submit(request, case, form, save, f"Section « {section.title} » enregistrée.", case_url(case, section.slug))
    context = case_context(request, case) | {"form": form, "section": section, "page_title": section.title}
    return done or TemplateResponse(request, "cases/admin/case/edit_section.html", context)
