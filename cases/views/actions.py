"""Actions on a case: assignment, closing, reopening, deletion (rules in cases/workflow.py)."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from cases import workflow
from cases.access import get_case_or_404
from cases.models import Case
from cases.views.case import case_context, load_case
from cases.views.common import case_url, perform, refuse, safe_next, submit
from cases.views.forms import AssignForm, CloseForm
from cases.workspace.index import index_url


def case_for(request: HttpRequest, number: int) -> Case:
    """A POST needs the case's row only, through the scoping helper: the workflow locks and reads it again
    with what it needs. A page shows the case's header (`load_case`)."""
    return get_case_or_404(request.user, number) if request.method == "POST" else load_case(request, number)


def one_click(request: HttpRequest, number: int, action: Callable[[Case], object], success: str) -> HttpResponse:
    """A POST button, on the case page or on the index (which sends `next` to come back to its list)."""
    case = get_case_or_404(request.user, number)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    perform(request, lambda: action(case), success.format(case=case.label))
    return redirect(safe_next(request, case_url(case)))


def assign_to_me(request: HttpRequest, number: int) -> HttpResponse:
    return one_click(
        request, number, lambda case: workflow.assign_to_me(request.user, case), "{case} vous est assigné."
    )


def unassign(request: HttpRequest, number: int) -> HttpResponse:
    return one_click(request, number, lambda case: workflow.unassign(request.user, case), "{case} n'est plus assigné.")


def assign(request: HttpRequest, number: int) -> HttpResponse:
    """The main agent assigns the case, or transfers it to another agent of the authority."""
    case = case_for(request, number)
    if not workflow.rights(request.user, case).is_main_agent:
        return refuse(request, case, PermissionDenied("Seul le médiateur principal peut assigner ou transférer."))
    agents = workflow.assignable_agents(case)
    form = AssignForm(
        agents, request.POST if request.method == "POST" else None, initial={"assignee": case.assignee_id}
    )
    done = submit(
        request,
        case,
        form,
        lambda data: workflow.assign(request.user, case, data["assignee"]),
        lambda data: f"{case.label} est assigné à {workflow.person(data['assignee'])}.",
        case_url(case),
    )
    if done:
        return done
    transfer = case.assignee_id is not None
    page_title = "Transférer le dossier" if transfer else "Assigner le dossier"
    context = case_context(request, case) | {"form": form, "transfer": transfer, "page_title": page_title}
    return TemplateResponse(request, "cases/admin/case/assign.html", context)


def close(request: HttpRequest, number: int) -> HttpResponse:
    """Closing asks for the outcome and a confirmation that says whether the citizen will get an email."""
    case = case_for(request, number)
    if case.is_closed:
        return refuse(request, case, ValidationError("Ce dossier est déjà clôturé."))
    form = CloseForm(case, request.POST if request.method == "POST" else None)
    done = submit(
        request,
        case,
        form,
        lambda data: workflow.close(request.user, case, data),
        f"{case.label} est clôturé.",
        case_url(case),
    )
    if done:
        return done
    context = case_context(request, case) | {"form": form, "page_title": "Clôturer le dossier"}
    return TemplateResponse(request, "cases/admin/case/close.html", context)


def reopen(request: HttpRequest, number: int) -> HttpResponse:
    case = case_for(request, number)
    if request.method == "POST":
        perform(request, lambda: workflow.reopen(request.user, case), f"{case.label} est rouvert (« Finalisation »).")
        return redirect(case_url(case))
    if not case.is_closed:
        return refuse(request, case, ValidationError("Ce dossier n'est pas clôturé."))
    context = case_context(request, case) | {"page_title": "Rouvrir le dossier"}
    return TemplateResponse(request, "cases/admin/case/reopen.html", context)


def delete(request: HttpRequest, number: int) -> HttpResponse:
    case = load_case(request, number)
    context = case_context(request, case)
    if not context["rights"].can_manage:
        error = PermissionDenied("Seuls le médiateur assigné et le médiateur principal peuvent supprimer ce dossier.")
        return refuse(request, case, error)
    if request.method == "POST":
        success = f"{case.label} a été supprimé, avec toutes ses données."
        if perform(request, lambda: workflow.delete_case(request.user, case), success):
            return redirect(index_url())
        return redirect(case_url(case))
    context |= {
        "page_title": "Supprimer le dossier",
        "question": "Le dossier sera supprimé définitivement avec toutes ses données : le requérant, les notes, "
        "les documents, les messages qui ne concernent que ce dossier et l'historique. Cette action est irréversible.",
        "confirm": "Oui, supprimer le dossier",
    }
    return TemplateResponse(request, "cases/admin/case/confirm_delete.html", context)
