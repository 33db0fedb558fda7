"""Pages of a referral.

- On the case (/admin/dossiers/<N>/transmettre/, cases/views/urls.py): the proposal form, or the proposal
  waiting for its answer with its withdrawal; reached through `cases.access` like every case page.
- /admin/dossiers/transmissions/: the referrals sent and received by the user's authorities, the one line
  the sending authority keeps once the case has gone.
- /admin/dossiers/transmissions/<id>/: the proposal as the receiving authority reads it to decide (a
  summary: the case's number, date and domain, the reason and the note, never the citizen or the
  content), with its acceptance and refusal; the sending authority reads it too. Anyone else: 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.admin.paginator import WagtailPaginator

from authorities.models import AGENT_ROLES
from authorities.permissions import authority_ids_as
from cases.access import get_case_or_404
from cases.referral import service
from cases.referral.forms import DeclineForm, ProposalForm
from cases.referral.models import Referral
from cases.views.case import case_context, load_case
from cases.views.common import add_service_errors, case_url, error_text, perform, refuse, submit

PER_PAGE = 50
DIRECTIONS = {"envoyees": "from_authority__in", "recues": "to_authority__in"}


def propose(request: HttpRequest, number: int) -> HttpResponse:
    """Any agent of the case proposes it to another authority; a proposal waiting is shown instead."""
    case = load_case(request, number)
    if case.is_closed:
        return refuse(request, case, ValidationError("Ce dossier est clôturé : rouvrez-le pour le transmettre."))
    pending = service.open_referral(case)
    form = ProposalForm(case, request.POST if request.method == "POST" and not pending else None)
    done = submit(
        request,
        case,
        form,
        lambda data: service.propose(request.user, case, **data),
        lambda data: f"{case.label} est proposé à {data['to_authority'].name}. Ses médiateurs vont répondre.",
        case_url(case),
    )
    context = case_context(request, case) | {"form": form, "pending": pending, "page_title": "Transmettre le dossier"}
    return done or TemplateResponse(request, "cases/admin/referral/propose.html", context)


def withdraw(request: HttpRequest, number: int) -> HttpResponse:
    case = get_case_or_404(request.user, number)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    pending = service.open_referral(case)
    if pending is None:
        return refuse(request, case, ValidationError("Aucune proposition de transmission n'attend de réponse."))
    perform(request, lambda: service.withdraw(request.user, pending), "La proposition de transmission est retirée.")
    return redirect(case_url(case))


def visible_referrals(user):
    """The referrals sent or received by the user's authorities (as agent), with whether the user may
    still open the case (`case_authority_id`)."""
    ids = authority_ids_as(user, AGENT_ROLES)
    if not ids:
        raise Http404("Page réservée aux médiateurs.")
    referrals = Referral.objects.filter(Q(from_authority__in=ids) | Q(to_authority__in=ids))
    return ids, referrals.annotate(case_authority_id=F("case__authority_id"))


def referral_index(request: HttpRequest) -> TemplateResponse:
    ids, referrals = visible_referrals(request.user)
    direction = request.GET.get("sens", "")
    if direction in DIRECTIONS:
        referrals = referrals.filter(**{DIRECTIONS[direction]: ids})
    referrals = referrals.select_related("from_authority", "to_authority", "proposed_by", "answered_by")
    paginator = WagtailPaginator(referrals, PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    context = {
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number),
        "direction": direction,
        "own_ids": ids,
    }
    return TemplateResponse(request, "cases/admin/referral/index.html", context)


def referral_for(request: HttpRequest, referral_pk: int) -> tuple[Referral, list[int]]:
    ids, referrals = visible_referrals(request.user)
    related = ("from_authority", "to_authority", "proposed_by", "answered_by", "case__domain__parent")
    try:
        return referrals.select_related(*related).get(pk=referral_pk), ids
    except Referral.DoesNotExist:
        raise Http404("Transmission introuvable.") from None


def detail_page(request: HttpRequest, referral: Referral, ids: list[int], form: DeclineForm | None = None):
    context = {
        "referral": referral,
        "case": referral.case,
        "can_answer": referral.is_open and referral.to_authority_id in ids,
        "can_open_case": referral.case_authority_id in ids,
        "form": form or DeclineForm(),
        "page_title": f"Transmission du dossier n°{referral.case_id}",
    }
    return TemplateResponse(request, "cases/admin/referral/detail.html", context)


def referral_detail(request: HttpRequest, referral_pk: int) -> TemplateResponse:
    return detail_page(request, *referral_for(request, referral_pk))


def referral_accept(request: HttpRequest, referral_pk: int) -> HttpResponse:
    referral, _ids = referral_for(request, referral_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    success = f"Vous avez accepté le dossier n°{referral.case_id} : il est à traiter par votre collectivité."
    if perform(request, lambda: service.accept(request.user, referral), success):
        return redirect(case_url(referral.case_id))
    return redirect(referral_url(referral))


def referral_decline(request: HttpRequest, referral_pk: int) -> HttpResponse:
    """The refusal needs its reason: a missing one shows the proposal again with the error on its field."""
    referral, ids = referral_for(request, referral_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            service.decline(request.user, referral, form.cleaned_data["answer_reason"])
        except PermissionDenied as error:
            messages.error(request, error_text(error))
            return redirect(referral_url(referral))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Vous avez refusé la transmission du dossier n°{referral.case_id}.")
            return redirect(reverse("referrals"))
    messages.error(request, "Rien n'a été enregistré : corrigez les erreurs signalées.")
    return detail_page(request, referral, ids, form)


def referral_url(referral: Referral) -> str:
    return reverse("referral_detail", args=[referral.pk])
