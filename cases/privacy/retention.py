"""Retention periods and the cases they make due for anonymisation.

A closed case is anonymised `RETENTION_MONTHS` months after its closing, or after
its authority's shorter period (`RetentionPeriod`, chosen by the main agent).
Reopening a case clears its closing date, so it is no longer due; a case under
legal hold is never due. Months are calendar months (`relativedelta`), as a
person reads « 24 mois après la clôture ».
"""

import datetime
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import Case, RetentionPeriod

NOTICE_DAYS = 30
# A closed case may come back (a late answer, an appeal): no authority keeps it less than this.
MIN_MONTHS = 6


def platform_months() -> int:
    return settings.RETENTION_MONTHS


def shortest_allowed() -> int:
    return min(MIN_MONTHS, platform_months())


def months_for(authority_id: int) -> int:
    """The period that applies to an authority's cases: its own when shorter, else the platform's."""
    own = RetentionPeriod.objects.filter(authority_id=authority_id).values_list("months", flat=True).first()
    return min(own or platform_months(), platform_months())


def shorter_periods() -> dict[int, list[int]]:
    """Authorities with a period shorter than the platform's, grouped by their number of months."""
    groups = defaultdict(list)
    rows = RetentionPeriod.objects.filter(months__lt=platform_months()).values_list("authority_id", "months")
    for authority_id, months in rows:
        groups[months].append(authority_id)
    return groups


def retention_ended_by(moment: datetime.datetime) -> Q:
    """Cases whose period has ended at `moment`: closed before `moment` minus their authority's period.

    One condition per distinct period (a handful), so the whole set is one query.
    """
    groups = shorter_periods()
    with_own = [pk for ids in groups.values() for pk in ids]
    ended = Q(closed_at__lt=moment - relativedelta(months=platform_months())) & ~Q(authority_id__in=with_own)
    for months, ids in groups.items():
        ended |= Q(authority_id__in=ids, closed_at__lt=moment - relativedelta(months=months))
    return ended


def awaiting() -> QuerySet[Case]:
    """Closed cases neither anonymised nor held."""
    return Case.objects.filter(closed_at__isnull=False, anonymised_at__isnull=True, held_since__isnull=True)


def due_cases(now: datetime.datetime | None = None) -> QuerySet[Case]:
    """The cases the nightly job anonymises."""
    return awaiting().filter(retention_ended_by(now or timezone.now()))


def due_within_notice(now: datetime.datetime | None = None) -> QuerySet[Case]:
    """The cases to be anonymised within the next 30 days (those already due included)."""
    return awaiting().filter(retention_ended_by((now or timezone.now()) + datetime.timedelta(days=NOTICE_DAYS)))


def anonymisation_date(case: Case, months: int) -> datetime.date | None:
    if case.closed_at is None:
        return None
    return timezone.localdate(case.closed_at + relativedelta(months=months))


def period_label(months: int) -> str:
    """« 2 ans », « 1 an », « 18 mois »: how the pages state a period."""
    if months % 12 == 0:
        years = months // 12
        return f"{years} an{'s' if years > 1 else ''}"
    return f"{months} mois"
