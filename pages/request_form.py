"""Handling of the public request form served by RequestFormPage.

Abuse checks come first and count every attempt; a refused or invalid
submission stores nothing and re-renders the form with what was typed (except
files: browsers never let a page pre-fill a file input, so the error summary and
the file field both say to choose them again).
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from wagtail.models import Page

from cases.forms import HONEYPOT_FIELD, RequestForms
from cases.intake import create_case_from_request
from cases.privacy.retention import months_for, period_label
from cases.ratelimit import allow_attempt


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str


TOO_MANY_ATTEMPTS = Refusal(
    429,
    "Vous avez envoyé plusieurs demandes en peu de temps. Par sécurité, votre demande n'a pas été "
    "enregistrée : merci de patienter quelques minutes avant de la renvoyer. Ce que vous avez saisi "
    "est conservé ci-dessous.",
)
FILES_AGAIN = "les fichiers choisis n'ont pas été conservés (par sécurité) : choisissez-les à nouveau avant d'envoyer."
# The authority's own page about personal data (pages/defaults.py), linked from the form's notice.
PRIVACY_PAGE_SLUG = "donnees-personnelles"

TRAPPED = Refusal(
    400,
    "Votre demande n'a pas pu être enregistrée. Merci de réessayer ; si le problème persiste, "
    "contactez le médiateur par courrier ou par téléphone.",
)


def refusal_for(request: HttpRequest) -> Refusal | None:
    """Why this submission is refused before validation, if it is: too many attempts, or a filled trap field."""
    if not allow_attempt(request):
        return TOO_MANY_ATTEMPTS
    if request.POST.get(HONEYPOT_FIELD):
        return TRAPPED
    return None


def submit(page, request: HttpRequest) -> HttpResponse:
    forms = RequestForms(request.POST, request.FILES)
    refusal = refusal_for(request)
    if refusal is None and forms.is_valid():
        case = create_case_from_request(page.authority, forms.citizen, forms.case, forms.case.cleaned_data["documents"])
        request.session[page.session_key] = case.number
        return redirect(page.get_url(request) + page.reverse_subpage("thank_you"))
    return render_form(page, request, forms, refusal=refusal, files_dropped=bool(request.FILES))


def render_form(
    page,
    request: HttpRequest,
    forms: RequestForms | None = None,
    *,
    refusal: Refusal | None = None,
    files_dropped: bool = False,
) -> TemplateResponse:
    forms = forms or RequestForms()
    if files_dropped:
        forms.case.describe_documents_with(f"{forms.case['documents'].auto_id}_again")
    response = page.render(
        request,
        context_overrides={
            "forms": forms,
            "refusal": refusal,
            "error_summary": forms.error_summary() if forms.citizen.is_bound else [],
            "files_dropped": files_dropped,
            "files_again": FILES_AGAIN,
            "privacy_page": Page.objects.sibling_of(page).live().filter(slug=PRIVACY_PAGE_SLUG).first(),
            "retention_period": period_label(months_for(page.authority.pk)),
            "honeypot_field": HONEYPOT_FIELD,
        },
    )
    if refusal is not None:
        response.status_code = refusal.status
    if refusal is TOO_MANY_ATTEMPTS:
        response["Retry-After"] = str(settings.REQUEST_RATE_WINDOW_SECONDS)
    return response
