"""The case page, its section edits and its quick header edits (status, due date)."""

from collections import defaultdict

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from cases import audit, workflow
from cases.access import get_case_or_404
from cases.dates import due_state
from cases.documents import MAX_CASE_DOCUMENTS, case_documents
from cases.models import Attachment, Case, MessageCase
from cases.referral.service import pending_event
from cases.views.common import case_url, post_from_case_page, submit
from cases.views.forms import SECTIONS, DueDateForm, Section, SectionForm, StatusForm, UploadForm

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
    links = list(
        MessageCase.objects.filter(case=case)
        .select_related("message", "message__sent_by")
        .order_by("-message__created_at", "-message__pk")
    )
    documents = list(case_documents(case))
    attach_message_documents(links, documents)
    events = list(case.events.select_related("actor").order_by("-created_at", "-pk"))
    sections = [(section, section_rows(section, case)) for section in SECTIONS.values() if section.slug != "cloture"]
    context = case_context(request, case) | {
        "sections": sections,
        "closing_rows": section_rows(SECTIONS["cloture"], case),
        "notes": case.notes.select_related("author"),
        "documents": documents,
        "max_documents": MAX_CASE_DOCUMENTS,
        "message_links": links,
        "events": events,
        "pending_referral": pending_event(events),
        "similar_cases": workflow.similar_cases(request.user, case),
        "status_form": StatusForm(initial={"status": case.status}),
        "due_date_form": DueDateForm(initial={"due_date": case.due_date}),
        "upload_form": UploadForm(),
    }
    return TemplateResponse(request, "cases/admin/case/detail.html", context)


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


def status(request: HttpRequest, number: int) -> HttpResponse:
    case = get_case_or_404(request.user, number)
    form = StatusForm(request.POST)
    return post_from_case_page(
        request,
        case,
        form,
        lambda data: workflow.change_status(request.user, case, data["status"]),
        "Avancement du dossier enregistré.",
    )


def due_date(request: HttpRequest, number: int) -> HttpResponse:
    case = get_case_or_404(request.user, number)
    form = DueDateForm(request.POST)
    return post_from_case_page(
        request,
        case,
        form,
        lambda data: workflow.update_fields(request.user, case, {"due_date": data["due_date"]}),
        "Échéance enregistrée.",
    )
