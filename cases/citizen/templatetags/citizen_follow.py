from django import template
from django.db.models import Count, Max, Q

from cases.citizen.models import AccessKey

register = template.Library()


@register.inclusion_tag("citizen/admin/_follow_panel.html", takes_context=True)
def citizen_follow(context, case) -> dict:
    """The case page's « Suivi en ligne » panel: has the citizen opened their page, when last (one query)."""
    figures = AccessKey.objects.filter(case=case).aggregate(
        last_seen=Max("last_seen_at"), active=Count("pk", filter=Q(revoked_at__isnull=True))
    )
    return {"case": case, "citizen": case.citizen, "request": context.get("request"), **figures}
