"""« Statistiques » in Wagtail's admin (/admin/statistiques/): the figures of a period, charts and their tables.

GET only. Agents and main agents read their authorities (one of them, or all), platform admins every
authority with the comparison between them; anyone else gets a 404 (scope.py), as does asking for an
authority outside one's own.
"""

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from cases.insight.charts import charts_of, key_figures, referral_figures
from cases.insight.figures import compute
from cases.insight.forms import StatisticsForm, requested_authority
from cases.insight.scope import scope_for


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
    return TemplateResponse(request, "insight/statistics.html", context)
