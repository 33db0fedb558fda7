"""The main agents' page of subject requests (/admin/dossiers/demandes-rgpd/): find a person's cases, export
them as a ZIP, erase them (cases/privacy/subject.py does the work). Main agents only: a 404 for anyone else."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from authorities.models import Role
from authorities.permissions import authority_ids_as
from cases import audit
from cases.models import Case
from cases.privacy.subject import erase, erasure_refusal, find_cases, subject_archive
from cases.views.documents import attachment_response

PER_PAGE = 50
# An export or an erasure acts on every case found; a request naming more is refined first.
ACTION_LIMIT = 200


class SubjectForm(forms.Form):
    q = forms.CharField(
        label="Adresse électronique ou nom du requérant",
        max_length=200,
        help_text="L'adresse exacte, ou « Prénom Nom ». Les dossiers de vos collectivités sont cherchés.",
    )


def main_agent_authority_ids(request: HttpRequest) -> list[int]:
    ids = authority_ids_as(request.user, [Role.MAIN_AGENT])
    if not ids:
        raise Http404("Page réservée aux médiateurs principaux.")
    return ids


def found_cases(request: HttpRequest, data) -> tuple[SubjectForm, list[Case] | None]:
    """The form and, when it is valid, the cases it finds (at most ACTION_LIMIT + 1: enough to refuse)."""
    form = SubjectForm(data)
    if not form.is_valid():
        return form, None
    cases = find_cases(main_agent_authority_ids(request), form.cleaned_data["q"])
    return form, list(cases[: ACTION_LIMIT + 1])


def page_url(name: str, term: str) -> str:
    return f"{reverse(name)}?{urlencode({'q': term})}"


def subject_requests(request: HttpRequest) -> HttpResponse:
    ids = main_agent_authority_ids(request)
    form = SubjectForm(request.GET if "q" in request.GET else None)
    context = {"form": form, "page": None, "action_limit": ACTION_LIMIT}
    if form.is_valid():
        term = form.cleaned_data["q"]
        page = Paginator(find_cases(ids, term), PER_PAGE).get_page(request.GET.get("p"))
        # That a person was looked for, in which authorities; never who (the term is their name or address).
        audit.record_many(
            request, audit.Action.SEARCHED, audit.authority_targets(ids), detail={"search": "demande_rgpd"}
        )
        context |= {"page": page, "term": term, "erase_url": page_url("case_subject_erase", term)}
        context["show_authority"] = len(ids) > 1
    return TemplateResponse(request, "cases/admin/privacy/subject_requests.html", context)


def too_many(request: HttpRequest, cases: list[Case], term: str) -> HttpResponse | None:
    if len(cases) <= ACTION_LIMIT:
        return None
    messages.error(request, f"Plus de {ACTION_LIMIT} dossiers trouvés : précisez la recherche (adresse exacte).")
    return redirect(page_url("case_subject_requests", term))


def subject_export(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form, cases = found_cases(request, request.POST)
    if not cases:
        messages.error(request, "Aucun dossier à exporter pour cette recherche.")
        return redirect(reverse("case_subject_requests"))
    refused = too_many(request, cases, form.cleaned_data["q"])
    if refused:
        return refused
    archive = subject_archive(cases)
    audit.record_many(request, audit.Action.EXPORTED, cases, detail={"export": "demande_rgpd"})
    name = f"demande-rgpd-{timezone.localdate():%Y-%m-%d}.zip"
    return attachment_response(archive, name, "application/zip")


def not_erased(done: int, left: list[Case]) -> str:
    return (
        f"{done} dossier(s) anonymisé(s), mais pas {', '.join(case.label for case in left)} : modifié(s) au même "
        "moment ou placé(s) sous conservation légale entre-temps. L'effacement n'est pas complet : relancez-le."
    )


def subject_erase(request: HttpRequest) -> HttpResponse:
    """A confirmation page listing the cases (and why they cannot be erased, if so), then the erasure."""
    form, cases = found_cases(request, request.POST if request.method == "POST" else request.GET)
    if not cases:
        messages.error(request, "Aucun dossier à effacer pour cette recherche.")
        return redirect(reverse("case_subject_requests"))
    term = form.cleaned_data["q"]
    refused = too_many(request, cases, term)
    if refused:
        return refused
    if request.method == "POST":
        try:
            left = erase(cases, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if not left:
                messages.success(
                    request, f"{len(cases)} dossier(s) anonymisé(s) : les données de la personne sont effacées."
                )
                return redirect(reverse("case_subject_requests"))
            messages.error(request, not_erased(len(cases) - len(left), left))
            return redirect(page_url("case_subject_erase", term))
    context = {"cases": cases, "term": term, "refusal": erasure_refusal(cases)}
    return TemplateResponse(request, "cases/admin/privacy/subject_erase.html", context)
