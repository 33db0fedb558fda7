"""Helpers shared by the case views: redirects, safe `next`, running a workflow action."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from cases.models import Case


def case_url(case: Case | int, anchor: str = "") -> str:
    number = case.number if isinstance(case, Case) else case
    return reverse("case:detail", args=[number]) + (f"#{anchor}" if anchor else "")


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


def perform(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a workflow action; its refusal becomes an error message instead of an error page."""
    try:
        action()
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
        return False
    messages.success(request, success)
    return True


def refuse(request: HttpRequest, case: Case, error: PermissionDenied | ValidationError) -> HttpResponseRedirect:
    messages.error(request, error_text(error))
    return redirect(case_url(case))
