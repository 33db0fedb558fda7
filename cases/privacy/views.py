"""Pages of retention: a case's legal hold, the anonymised case page, the main agents' list of cases about to be
anonymised with their authority's period (/admin/dossiers/anonymisation/)."""

import dataclasses

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from authorities.models import Authority, Role
from cases.models import Case, RetentionPeriod
from cases.privacy import hold as holds
from cases.privacy.anonymise import KEPT_FIELDS
from cases.privacy.retention import (
    anonymisation_date,
    due_cases,
    due_within_notice,
    months_for,
    period_label,
    platform_months,
    shortest_allowed,
)
from cases.views.case import case_context, load_case, section_rows
from cases.views.common import case_url, perform, refuse, submit
from cases.views.forms import SECTIONS

LIST_LIMIT = 500


class HoldForm(forms.Form):
    reason = forms.CharField(
        label="Motif de la conservation",
        max_length=holds.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Contentieux en cours, plainte, demande des archives… Le motif figure à l'historique du dossier.",
    )


def hold(request: HttpRequest, number: int) -> HttpResponse:
    """The main agent places the case under legal hold (with a reason), or sees the hold and lifts it."""
    case = load_case(request, number)
    context = case_context(request, case)
    if not context["rights"].is_main_agent:
        return refuse(request, case, PermissionDenied("Seul le médiateur principal peut décider d'une conservation."))
    form = HoldForm(request.POST if request.method == "POST" and not case.is_held else None)
    done = submit(
        request,
        case,
        form,
        lambda data: holds.place_hold(request.user, case, data["reason"]),
        f"{case.label} est sous conservation légale : il ne sera pas anonymisé.",
        case_url(case),
    )
    context |= {"form": form, "page_title": "Conservation légale"}
    return done or TemplateResponse(request, "cases/admin/privacy/hold.html", context)


def hold_lift(request: HttpRequest, number: int) -> HttpResponse:
    case = load_case(request, number)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    perform(request, lambda: holds.lift_hold(request.user, case), f"La conservation légale de {case.label} est levée.")
    return redirect(case_url(case))


def kept_rows(case: Case) -> list[tuple[str, list[tuple[str, str]]]]:
    """The sections of the case page with only the fields anonymisation keeps."""
    result = []
    for section in SECTIONS.values():
        kept = dataclasses.replace(
            section,
            case_fields=tuple(name for name in section.case_fields if name in KEPT_FIELDS),
            citizen_fields=tuple(name for name in section.citizen_fields if name in KEPT_FIELDS),
        )
        result.append((section, section_rows(kept, case)))
    return result


def anonymised_detail(request: HttpRequest, case: Case) -> TemplateResponse:
    """What is left of an anonymised case: its statistics fields and its timeline, nothing to act on."""
    context = case_context(request, case) | {
        "citizen_heading": "Dossier anonymisé",
        "kept_sections": kept_rows(case),
        "document_count": case.attachments.count(),
        "events": case.events.select_related("actor").order_by("-created_at", "-pk"),
    }
    return TemplateResponse(request, "cases/admin/privacy/anonymised_case.html", context)


# The main agents' page: cases about to be anonymised, and the authority's period ------------------------


def main_agent_authorities(user) -> list[Authority]:
    if not user.is_authenticated:
        return []
    return list(Authority.objects.filter(memberships__user=user, memberships__role=Role.MAIN_AGENT).order_by("name"))


class RetentionPeriodForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        shortest, longest = shortest_allowed(), platform_months()
        self.fields["months"] = forms.IntegerField(
            label="Durée de conservation après la clôture (en mois)",
            min_value=shortest,
            max_value=longest,
            required=False,
            help_text=f"Entre {shortest} et {longest} mois : la durée de la plateforme "
            f"({period_label(longest)}) au plus. Laissez vide pour la durée de la plateforme.",
        )


def save_period(user, authority: Authority, months: int | None) -> None:
    if months is None or months >= platform_months():
        RetentionPeriod.objects.filter(authority=authority).delete()
    else:
        RetentionPeriod.objects.update_or_create(authority=authority, defaults={"months": months, "updated_by": user})


def authority_block(authority: Authority, form: RetentionPeriodForm | None = None) -> dict:
    months = months_for(authority.pk)
    cases = due_within_notice().filter(authority=authority).select_related("citizen").order_by("closed_at")
    rows = [{"case": case, "date": anonymisation_date(case, months)} for case in cases[:LIST_LIMIT]]
    initial = {"months": months if months < platform_months() else None}
    return {
        "authority": authority,
        "months": months,
        "period": period_label(months),
        "rows": rows,
        "total": cases.count() if len(rows) == LIST_LIMIT else len(rows),
        "form": form or RetentionPeriodForm(initial=initial, prefix=str(authority.pk)),
    }


def retention(request: HttpRequest) -> HttpResponse:
    """Main agents only (a 404 for everyone else, as for a case of another authority)."""
    authorities = main_agent_authorities(request.user)
    if not authorities:
        raise Http404("Page réservée aux médiateurs principaux.")
    posted = None
    if request.method == "POST":
        authority = next((a for a in authorities if str(a.pk) == request.POST.get("authority")), None)
        if authority is None:
            raise Http404("Collectivité inconnue.")
        form = RetentionPeriodForm(request.POST, prefix=str(authority.pk))
        if form.is_valid():
            save_period(request.user, authority, form.cleaned_data["months"])
            months = months_for(authority.pk)
            due_now = due_cases().filter(authority=authority).count()
            messages.success(
                request,
                f"Durée de conservation de {authority.name} : {period_label(months)} après la clôture."
                + (f" {due_now} dossier(s) seront anonymisés la nuit prochaine." if due_now else ""),
            )
            return redirect(reverse("case_retention"))
        posted = (authority, form)
    blocks = [
        authority_block(authority, posted[1] if posted and posted[0] == authority else None)
        for authority in authorities
    ]
    context = {"blocks": blocks, "platform_period": period_label(platform_months())}
    return TemplateResponse(request, "cases/admin/privacy/retention.html", context)
