"""Helpers shared by the case views: redirects, safe `next`, running a workflow action from a form."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from cases.models import Case

Action = Callable[[dict], Any]
# The case page's thread (messages, notes, documents, events): where its composers bring the agent back.
THREAD = "fil"


def case_url(case: Case | int, anchor: str = "") -> str:
    """The case page, scrolled to a panel: Wagtail gives a panel with id X the element id « X-section »."""
    number = case.number if isinstance(case, Case) else case
    return reverse("case:detail", args=[number]) + (f"#{anchor}-section" if anchor else "")


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` parameter when it is a local URL of this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else default


def error_text(error: PermissionDenied | ValidationError) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "Vous n'avez pas le droit de faire cela."


def refuse(request: HttpRequest, case: Case, error: PermissionDenied | ValidationError) -> HttpResponseRedirect:
    messages.error(request, error_text(error))
    return redirect(case_url(case))


def perform(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a workflow action; its refusal becomes an error message instead of an error page."""
    try:
        action()
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
        return False
    messages.success(request, success)
    return True


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service error on its field when the form has it, else on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, field_messages)


def submit(
    request: HttpRequest, case: Case, form: forms.Form, action: Action, success: Callable[[dict], str] | str, done: str
) -> HttpResponse | None:
    """Validate a page's form and run its action: a redirect to `done` when it worked, None to show the
    form again with the errors (the form's and the service's, on their fields)."""
    if request.method != "POST":
        return None
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except PermissionDenied as error:
            return refuse(request, case, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success(form.cleaned_data) if callable(success) else success)
            return redirect(done)
    messages.error(request, "Rien n'a été enregistré : corrigez les erreurs signalées.")
    return None


def post_from_case_page(
    request: HttpRequest, case: Case, form: forms.Form, action: Action, success: str, anchor: str = ""
) -> HttpResponse:
    """A form of the case page itself (status, due date, upload): POST only, back to the page with a message."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not form.is_valid():
        errors = [message for field_errors in form.errors.values() for message in field_errors]
        messages.error(request, " ".join(errors))
    else:
        perform(request, lambda: action(form.cleaned_data), success)
    return redirect(case_url(case, anchor))
