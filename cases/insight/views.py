"""« Statistiques » in Wagtail's admin (/admin/statistiques/) and « Mes exports » (/admin/statistiques/exports/).

- The statistics page (GET only): agents and main agents read their authorities (one of them, or all),
  platform admins every authority with the comparison between them; anyone else gets a 404 (scope.py), as
  does asking for an authority outside one's own. Its « Exporter » buttons POST the same choices.
- « Rapport annuel » (main agents and platform admins only): the annual report's form (report.py).
- An export is the user's own: its page (progress), its state (JSON, polled by the page) and its file
  answer 404 to anybody else, a platform admin included. A file is downloaded while ready (7 days).
"""

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from authorities.models import Role
from authorities.permissions import authority_ids_as, is_platform_admin
from cases.insight import export, report
from cases.insight.charts import charts_of, key_figures, referral_figures
from cases.insight.figures import compute
from cases.insight.forms import ReportForm, StatisticsForm, requested_authority
from cases.insight.models import Kind
from cases.insight.scope import can_read_statistics, scope_for

EXPORT_KINDS = (Kind.XLSX, Kind.CSV)


def statistics_context(request: HttpRequest) -> dict:
    """The scope, the form and the figures the query string asks for (a 404 outside the user's scope)."""
    scope = scope_for(request.user, requested_authority(request.GET))
    form = StatisticsForm(request.GET, scope, request.user)
    figures = compute(scope, form.period(), form.filters())
    return {
        "scope": scope,
        "form": form,
        "figures": figures,
        "charts": charts_of(figures),
        "key_figures": key_figures(figures),
        "referral_figures": referral_figures(figures),
    }


@require_safe
def statistics(request: HttpRequest) -> TemplateResponse:
    context = statistics_context(request)
    context["query"] = request.GET.urlencode()
    context["export_choices"] = [(kind.value, kind.label) for kind in EXPORT_KINDS]
    return TemplateResponse(request, "insight/statistics.html", context)


@require_POST
def start_export(request: HttpRequest):
    """Queue the export of what the statistics page shows (the cases received in its period), then follow it."""
    scope = scope_for(request.user, requested_authority(request.POST))
    form = StatisticsForm(request.POST, scope, request.user)
    kind = request.POST.get("format", Kind.XLSX)
    if kind not in EXPORT_KINDS:
        kind = Kind.XLSX
    period = form.period()
    job = export.start_export(request.user, kind, scope, form.label(scope, period), period, form.filters())
    return redirect("insight_job", job.pk)


def require_reader(request: HttpRequest) -> None:
    scope_for(request.user)  # a 404 for those without statistics (an editor)


@require_safe
def jobs(request: HttpRequest) -> TemplateResponse:
    """« Mes exports »: the user's own exports and reports, newest first (the 50 latest)."""
    require_reader(request)
    return TemplateResponse(
        request, "insight/jobs.html", {"jobs": export.jobs_of(request.user)[:50], "days": export.FILE_DAYS}
    )


@require_safe
def job(request: HttpRequest, job_pk: int) -> TemplateResponse:
    require_reader(request)
    return TemplateResponse(request, "insight/job.html", {"job": export.get_job_or_404(request.user, job_pk)})


@require_safe
def job_state(request: HttpRequest, job_pk: int) -> JsonResponse:
    """The job's progress, polled by its page: percentage, state, and the file's URL once ready."""
    require_reader(request)
    found = export.get_job_or_404(request.user, job_pk)
    return JsonResponse(
        {
            "percent": found.percent,
            "state": found.state,
            "state_label": found.get_state_display(),
            "done": found.done,
            "total": found.total,
            "download": reverse("insight_job_download", args=[found.pk]) if found.is_ready else "",
        }
    )


@require_safe
def download(request: HttpRequest, job_pk: int) -> StreamingHttpResponse:
    require_reader(request)
    found = export.get_job_or_404(request.user, job_pk)
    if not found.is_ready:
        return redirect("insight_job", found.pk)
    export.record_download(request, found)
    response = StreamingHttpResponse(export.file_parts(found), content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.file_name}"'
    response["Content-Length"] = str(found.file_size)
    response["Cache-Control"] = "private, no-store"
    return response


def annual_report(request: HttpRequest):
    """« Rapport annuel »: a main agent (or a platform admin) chooses the authority and year, writes the
    introduction, and the PDF is built in the background; anyone else gets a 404."""
    authorities = report.reportable_authorities(request.user)
    form = ReportForm(request.POST if request.method == "POST" else None, authorities)
    if request.method == "POST" and form.is_valid():
        authority = form.authorities[form.cleaned_data["collectivite"]]
        job = report.start_report(
            request.user, authority, form.cleaned_data["annee"], form.cleaned_data["introduction"]
        )
        return redirect("insight_job", job.pk)
    if not form.is_bound:
        form.initial["introduction"] = report.last_introduction(authorities[0], form.fields["annee"].initial)
    return TemplateResponse(request, "insight/report.html", {"form": form})


def menu_shown(request: HttpRequest) -> bool:
    return can_read_statistics(request.user)


def report_menu_shown(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and (is_platform_admin(user) or bool(authority_ids_as(user, (Role.MAIN_AGENT,))))
