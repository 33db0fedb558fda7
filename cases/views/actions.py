"""Actions on a case: assignment, closing, reopening, deletion (rules in cases/workflow.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from cases import workflow
from cases.views.case import case_context, load_case
from cases.views.common import case_url, error_text, perform, refuse, safe_next
from cases.views.forms import AssignForm, CloseForm, add_service_errors

CASE_INDEX = "cases_case_modeladmin_index"  # the index of cases/wagtail_hooks.py


def assign_to_me(request: HttpRequest, number: int) -> HttpResponse:
    """POST from the case page or from the index (which sends `next` to come back to its list)."""
    case = load_case(request, number)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    perform(request, lambda: workflow.assign_to_me(request.user, case), f"{case.label} vous est assigné.")
    return redirect(safe_next(request, case_url(case)))


def unassign(request: HttpRequest, number: int) -> HttpResponse:
    case = load_case(request, number)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    perform(request, lambda: workflow.unassign(request.user, case), f"{case.label} n'est plus assigné.")
    return redirect(safe_next(request, case_url(case)))


def assign(request: HttpRequest, number: int) -> HttpResponse:
    """The main agent assigns the case, or transfers it to another agent of the authority."""
    case = load_case(request, number)
    context = case_context(request, case)
    if not context["rights"].is_main_agent:
        return refuse(request, case, PermissionDenied("Seul le médiateur principal peut assigner ou transférer."))
    agents = workflow.assignable_agents(case)
    form = AssignForm(agents, request.POST if request.method == "POST" else None, initial={"assignee": case.assignee})
    if request.method == "POST" and form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            workflow.assign(request.user, case, assignee)
        except PermissionDenied as error:
            return refuse(request, case, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{case.label} est assigné à {workflow.person(assignee)}.")
            return redirect(case_url(case))
    transfer = case.assignee_id is not None
    page_title = "Transférer le dossier" if transfer else "Assigner le dossier"
    context |= {"form": form, "transfer": transfer, "page_title": page_title}
    return TemplateResponse(request, "cases/admin/case/assign.html", context)


def close(request: HttpRequest, number: int) -> HttpResponse:
    """Closing asks for the outcome and a confirmation that says whether the citizen will get an email."""
    case = load_case(request, number)
    if case.is_closed:
        return refuse(request, case, ValidationError("Ce dossier est déjà clôturé."))
    form = CloseForm(case, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.close(request.user, case, form.cleaned_data)
        except PermissionDenied as error:
            return refuse(request, case, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{case.label} est clôturé.")
            return redirect(case_url(case))
    context = case_context(request, case) | {"form": form, "page_title": "Clôturer le dossier"}
    return TemplateResponse(request, "cases/admin/case/close.html", context)


def reopen(request: HttpRequest, number: int) -> HttpResponse:
    case = load_case(request, number)
    if request.method == "POST":
        perform(request, lambda: workflow.reopen(request.user, case), f"{case.label} est réouvert (« Finalisation »).")
        return redirect(case_url(case))
    if not case.is_closed:
        return refuse(request, case, ValidationError("Ce dossier n'est pas clôturé."))
    context = case_context(request, case) | {"page_title": "Réouvrir le dossier"}
    return TemplateResponse(request, "cases/admin/case/reopen.html", context)


def delete(request: HttpRequest, number: int) -> HttpResponse:
    case = load_case(request, number)
    context = case_context(request, case)
    if not context["rights"].can_manage:
        error = PermissionDenied("Seuls le médiateur assigné et le médiateur principal peuvent supprimer ce dossier.")
        return refuse(request, case, error)
    if request.method == "POST":
        try:
            workflow.delete_case(request.user, case)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, error_text(error))
            return redirect(case_url(case))
        messages.success(request, f"{case.label} a été supprimé, avec toutes ses données.")
        return redirect(reverse(CASE_INDEX))
    context["page_title"] = "Supprimer le dossier"
    return TemplateResponse(request, "cases/admin/case/delete.html", context)
