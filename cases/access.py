"""The one place that decides which cases a user may see.

Every case query of the workspace goes through `cases_for` or `get_case_or_404`:
anything outside the user's agent memberships is a 404, never a 403, so case
numbers cannot be probed. Platform admins are no exception: they open cases
only where they are members.
"""

from django.db.models import QuerySet
from django.http import Http404

from authorities.models import AGENT_ROLES, Membership
from cases.models import Case


def agent_authority_ids(user) -> QuerySet:
    return Membership.objects.filter(user=user, role__in=AGENT_ROLES).values("authority_id")


def cases_for(user) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(authority_id__in=agent_authority_ids(user))


def get_case_or_404(user, number: int) -> Case:
    try:
        return cases_for(user).get(number=number)
    except Case.DoesNotExist:
        raise Http404("Dossier introuvable.") from None
