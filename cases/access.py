"""The one place that decides which cases a user may see.

Every case query of the workspace goes through `cases_for` or `get_case_or_404`:
anything outside the user's agent memberships is a 404, never a 403, so case
numbers cannot be probed. Platform admins are no exception: they open cases
only where they are members.

The memberships are read once per user object (`authorities.permissions.memberships_of`,
the same list the admin's menu reads), so the scope is a list of constant authority
ids: no page asks the database again who the user is an agent of.
"""

from django.db.models import QuerySet
from django.http import Http404

from authorities.models import AGENT_ROLES, Authority, Membership
from authorities.permissions import memberships_of
from cases.models import Case


def agent_authority_ids(user) -> QuerySet:
    return Membership.objects.filter(user=user, role__in=AGENT_ROLES).values("authority_id")


def agent_authorities(user) -> list[Authority]:
    """The authorities where the user is an agent or main agent, by name (no query once memberships are read)."""
    return [membership.authority for membership in memberships_of(user) if membership.role in AGENT_ROLES]


def cases_for(user) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(authority_id__in=[authority.pk for authority in agent_authorities(user)])


def get_case_or_404(user, number: int, *related: str) -> Case:
    """The case if the user may see it; `related` are joined in the same query (`select_related`)."""
    try:
        return cases_for(user).select_related(*related).get(number=number)
    except Case.DoesNotExist:
        raise Http404("Dossier introuvable.") from None
