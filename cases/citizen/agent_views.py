"""The agent's side of the citizen's space, on the case (/admin/dossiers/<N>/suivi/…, cases/citizen/wagtail_hooks.py):
send the citizen a new link, revoke every link and code, print a letter with a one-time code.

Reached like every case URL through `cases.access.get_case_or_404` (404 outside the user's authorities)
and `workflow.require_agent` (editors refused); each action is a timeline event.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cases import workflow
from cases.citizen import keys, recovery
from cases.views.case import case_context, load_case
from cases.views.common import case_url, perform, refuse

ANCHOR = "suivi-en-ligne"


def require_citizen_email(case) -> None:
    if not keys.citizen_email(case):
        raise ValidationError(
            "Le requérant n'a pas d'adresse électronique : imprimez-lui plutôt un courrier avec un code."
        )


@require_POST
def send_link(request: HttpRequest, number: int) -> HttpResponse:
    case = load_case(request, number)

    def act() -> None:
        workflow.require_agent(request.user, case)
        require_citizen_email(case)
        recovery.send_link(case, actor=request.user, detail=f"par {workflow.person(request.user)}")

    perform(request, act, "Un nouveau lien de suivi est envoyé au requérant.")
    return redirect(case_url(case, ANCHOR))


@require_POST
def revoke(request: HttpRequest, number: int) -> HttpResponse:
    case = load_case(request, number)

    def act() -> None:
        workflow.require_agent(request.user, case)
        keys.revoke_all(request.user, case)

    perform(request, act, "Les liens et codes de suivi du requérant ne fonctionnent plus.")
    return redirect(case_url(case, ANCHOR))


@require_http_methods(["GET", "POST"])
def letter(request: HttpRequest, number: int) -> HttpResponse:
    """GET: what the letter is; POST: a new one-time code, shown once on a printable letter."""
    case = load_case(request, number)
    try:
        workflow.require_agent(request.user, case)
    except (PermissionDenied, ValidationError) as error:
        return refuse(request, case, error)
    if request.method == "GET":
        context = case_context(request, case) | {"page_title": "Courrier de suivi en ligne"}
        return TemplateResponse(request, "citizen/admin/letter_confirm.html", context)
    code = keys.issue_letter_code(request.user, case)
    context = {
        "case": case,
        "citizen": case.citizen,
        "code": code,
        "today": timezone.localdate(),
        "valid_until": timezone.localdate() + timezone.timedelta(days=keys.LETTER_CODE_DAYS),
        "code_url": request.build_absolute_uri("/suivi/code/"),
    }
    response = TemplateResponse(request, "citizen/admin/letter.html", context)
    response["Cache-Control"] = "no-store, private"
    return response
