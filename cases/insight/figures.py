"""The figures of a period, each beside the previous period's, aggregated in SQL from the pseudonymised source.

What is counted, for the cases of the scope (scope.py) and the index's filters (`Filters`):
- received: cases created in the period; closed: cases closed in the period; both per month and channel;
- open stock at each month's end: the cases open at the period's start, plus those received, minus those
  closed since (a reopened case counts as never closed: only its present closing date is known);
- distributions of the cases received (status today, domain and competent third party on two levels,
  representation, gender, channel) and of the cases closed (outcome);
- delays in days, median and 90th percentile (continuous, as PostgreSQL's `percentile_cont`): to the first
  answer to the citizen (cases received and answered) and to closing (cases closed);
- past due: of the cases received with a due date, those closed after it or still open once it passed;
- load per agent (main agents and platform admins): open cases today, received and closed in the period;
- the comparison between authorities (platform admins), and the referrals sent, received, accepted and
  declined (cases/referral/models.py `figures`; the index's filters do not apply to them).

Each distribution is one GROUP BY with a « current period » flag, so the previous period costs no query
of its own: a page is about a dozen queries whatever the number of cases. Percentiles are computed by
PostgreSQL; on the embedded SQLite default, which has no `percentile_cont`, the delays are read and
computed in Python (`percentile`), with the same interpolation.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Aggregate, BooleanField, Count, DurationField, F, Q, QuerySet, Value, When
from django.db.models import Case as Conditional
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from cases.choices import Channel, Status
from cases.insight import source
from cases.insight.period import PARIS, Period
from cases.insight.scope import Scope
from cases.models import Case, Domain
from cases.referral.models import figures as referral_figures

NOT_GIVEN = "Non renseigné"
DAY_SECONDS = 86400
MEDIAN, P90 = 0.5, 0.9


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile: `percentile_cont(f) WITHIN GROUP (ORDER BY expression)`."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, fraction: float, expression, **extra) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(values: list[float], fraction: float) -> float | None:
    """The continuous percentile of the values (linear interpolation between the closest ranks)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Filters:
    """The index's filters (cases/workspace/index.py): status, channel, top-level domain (with its children), agent."""

    status: str = ""
    channel: str = ""
    domain_id: int | None = None
    assignee_id: int | None = None

    def apply(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        if self.status:
            cases = cases.filter(status=self.status)
        if self.channel:
            cases = cases.filter(channel=self.channel)
        if self.domain_id:
            cases = cases.filter(
                domain_id__in=Domain.objects.filter(Q(pk=self.domain_id) | Q(parent_id=self.domain_id)).values("pk")
            )
        if self.assignee_id:
            cases = cases.filter(assignee_id=self.assignee_id)
        return cases


def scoped_cases(scope: Scope, filters: Filters = Filters()) -> QuerySet[Case]:
    cases = (
        Case.objects.all() if scope.authority_ids is None else Case.objects.filter(authority_id__in=scope.authority_ids)
    )
    return filters.apply(cases)


@dataclass
class Pair:
    """A figure of the period and of the previous one."""

    current: float | int | None = 0
    previous: float | int | None = 0

    @property
    def change(self) -> float | None:
        """The relative change in percent, None when the previous figure is 0 or unknown."""
        if not self.previous or self.current is None:
            return None
        return round((self.current - self.previous) * 100 / self.previous, 1)


@dataclass
class Row:
    label: str
    counts: Pair
    children: list["Row"] = field(default_factory=list)


@dataclass
class Month:
    first_day: datetime.date
    received: dict[str, int]  # by channel
    closed: dict[str, int]
    open_at_end: int

    @property
    def received_total(self) -> int:
        return sum(self.received.values())

    @property
    def closed_total(self) -> int:
        return sum(self.closed.values())


@dataclass
class AgentLoad:
    name: str
    open_now: int
    received: int
    closed: int


@dataclass
class AuthorityRow:
    name: str
    received: int
    closed: int
    open_now: int
    closing_median: float | None


@dataclass
class Figures:
    period: Period
    previous: Period
    received: Pair
    closed: Pair
    open_at_end: Pair
    past_due: Pair  # shares in percent
    first_answer_median: Pair
    first_answer_p90: Pair
    closing_median: Pair
    closing_p90: Pair
    first_answer_count: Pair  # how many cases each delay is computed over
    closing_count: Pair
    months: list[Month]
    by_channel: list[Row]
    by_status: list[Row]
    by_domain: list[Row]
    by_third_party: list[Row]
    by_outcome: list[Row]
    by_representation: list[Row]
    by_gender: list[Row]
    referrals: dict[str, Pair]
    load: list[AgentLoad] | None = None
    authorities: list[AuthorityRow] | None = None


def in_range(field_name: str, period: Period) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lt": period.end})


def flag(condition: Q) -> Conditional:
    return Conditional(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def grouped(cases: QuerySet[Case], dated: str, period: Period, *names: str, **extra) -> list[dict]:
    """Counts of the cases whose `dated` falls in the period or the previous one, by `current` and the columns."""
    population = cases.filter(in_range(dated, period.previous) | in_range(dated, period))
    return list(
        source.rows(population, *names)
        .annotate(current=flag(Q(**{f"{dated}__gte": period.start})), **extra)
        .annotate(count=Count("number"))
    )


def labelled(name: str, value) -> str:
    if value in (None, ""):
        return NOT_GIVEN
    labels = source.BY_NAME[name].labels
    return labels().get(value, str(value)) if labels else str(value)


def distribution(groups: list[dict], name: str, order: list | None = None) -> list[Row]:
    """One row per value of the column, largest first (or in `order`), with its counts in both periods."""
    counts: dict = defaultdict(Pair)
    for group in groups:
        add(counts[group[name]], group["current"], group["count"])
    if order:
        keys = [value for value in order if value in counts]
    else:
        keys = sorted(
            counts, key=lambda value: (-counts[value].current, -counts[value].previous, labelled(name, value))
        )
    return [Row(labelled(name, value), counts[value]) for value in keys]


def two_levels(groups: list[dict], top: str, second: str) -> list[Row]:
    """Top-level rows (all their cases) with their second-level rows beneath."""
    rows = distribution(groups, top)
    for row in rows:
        children = [group for group in groups if labelled(top, group[top]) == row.label and group[second]]
        row.children = distribution(children, second)
    return rows


def add(pair: Pair, current: bool, count: int) -> None:
    if current:
        pair.current += count
    else:
        pair.previous += count


def days(value: datetime.timedelta | float | None) -> float | None:
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, datetime.timedelta) else value
    return round(seconds / DAY_SECONDS, 1)


DELAYS = {"first_answer": "first_answer_at", "closing": "closed_at"}


def delay_population(dated: str, period: Period) -> Q:
    """Whose delay counts: cases received and answered in the period (first answer), cases closed in it (closing)."""
    if dated == "first_answer_at":
        return in_range("created_at", period) & Q(first_answer_at__isnull=False)
    return in_range("closed_at", period)


def delays(cases: QuerySet[Case], period: Period, today: datetime.date) -> dict[str, Pair]:
    """Medians and 90th percentiles of both delays, and the share of cases past due, in both periods."""
    population = cases.filter(
        in_range("created_at", period.previous)
        | in_range("created_at", period)
        | in_range("closed_at", period.previous)
        | in_range("closed_at", period)
    )
    late = Q(due_date__isnull=False) & (
        Q(closed_at__isnull=True, due_date__lt=today) | Q(closed_at__isnull=False, closed_day__gt=F("due_date"))
    )
    counted = {}
    for label, when in (("current", period), ("previous", period.previous)):
        received = in_range("created_at", when)
        counted[f"due_{label}"] = Count("number", filter=received & Q(due_date__isnull=False))
        counted[f"late_{label}"] = Count("number", filter=received & late)
        for name, dated in DELAYS.items():
            counted[f"{name}_count_{label}"] = Count("number", filter=delay_population(dated, when))
    population = population.annotate(closed_day=TruncDate("closed_at", tzinfo=PARIS))
    result = {name: Pair() for name in ("past_due", *(f"{d}_{q}" for d in DELAYS for q in ("median", "p90", "count")))}
    if connection.vendor == "postgresql":
        for name, dated in DELAYS.items():
            spent = F(dated) - F("created_at")
            for label, when in (("current", period), ("previous", period.previous)):
                for suffix, fraction in (("median", MEDIAN), ("p90", P90)):
                    counted[f"{name}_{suffix}_{label}"] = PercentileCont(
                        fraction, spent, filter=delay_population(dated, when)
                    )
        figures = population.aggregate(**counted)
    else:
        figures = population.aggregate(**counted)
        figures.update(python_delays(population, period))
    for label in ("current", "previous"):
        due = figures[f"due_{label}"]
        setattr(result["past_due"], label, round(figures[f"late_{label}"] * 100 / due, 1) if due else None)
        for name in DELAYS:
            for suffix in ("median", "p90"):
                setattr(result[f"{name}_{suffix}"], label, days(figures[f"{name}_{suffix}_{label}"]))
            setattr(result[f"{name}_count"], label, figures[f"{name}_count_{label}"])
    return result


def python_delays(population: QuerySet[Case], period: Period) -> dict:
    """The delays' percentiles where the database has no `percentile_cont` (SQLite): read, then computed here."""
    spent: dict[str, list[float]] = defaultdict(list)
    for created_at, first_answer_at, closed_at in population.values_list("created_at", "first_answer_at", "closed_at"):
        for label, when in (("current", period), ("previous", period.previous)):
            if first_answer_at and when.start <= created_at < when.end:
                spent[f"first_answer_{label}"].append((first_answer_at - created_at).total_seconds())
            if closed_at and when.start <= closed_at < when.end:
                spent[f"closing_{label}"].append((closed_at - created_at).total_seconds())
    return {
        f"{name}_{suffix}_{label}": percentile(spent[f"{name}_{label}"], fraction)
        for name in DELAYS
        for label in ("current", "previous")
        for suffix, fraction in (("median", MEDIAN), ("p90", P90))
    }


def monthly(cases: QuerySet[Case], period: Period) -> tuple[list[Month], Pair, Pair, list[Row], Pair]:
    """Received and closed per month and channel, the open stock at each month's end, and the totals."""
    received_groups = grouped(cases, "created_at", period, "channel", month=TruncMonth("created_at", tzinfo=PARIS))
    closed_groups = grouped(cases, "closed_at", period, "channel", month=TruncMonth("closed_at", tzinfo=PARIS))
    open_at_start = (
        cases.filter(created_at__lt=period.start)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=period.start))
        .count()
    )
    received, closed = Pair(), Pair()
    per_month: dict[datetime.date, dict[str, dict[str, int]]] = {
        first_day: {"received": defaultdict(int), "closed": defaultdict(int)} for first_day in period.month_starts()
    }
    for kind, groups, total in (("received", received_groups, received), ("closed", closed_groups, closed)):
        for group in groups:
            add(total, group["current"], group["count"])
            month = group["month"]
            first_day = (month.astimezone(PARIS).date() if isinstance(month, datetime.datetime) else month).replace(
                day=1
            )
            if group["current"] and first_day in per_month:
                per_month[first_day][kind][group["channel"]] += group["count"]
    months, stock = [], open_at_start
    for first_day, counts in per_month.items():
        stock += sum(counts["received"].values()) - sum(counts["closed"].values())
        months.append(Month(first_day, dict(counts["received"]), dict(counts["closed"]), stock))
    channel_order = list(Channel.values)
    by_channel = distribution(received_groups, "channel", channel_order)
    return months, received, closed, by_channel, Pair(open_at_start + received.current - closed.current, open_at_start)


def agent_load(cases: QuerySet[Case], scope: Scope, period: Period) -> list[AgentLoad]:
    if scope.load_authority_ids is not None:
        cases = cases.filter(authority_id__in=scope.load_authority_ids)
    received, closed = in_range("created_at", period), in_range("closed_at", period)
    groups = (
        source.rows(
            cases.filter(assignee__isnull=False).filter(Q(closed_at__isnull=True) | received | closed),
            "assignee_id",
            "assignee_name",
        )
        .annotate(
            open_now=Count("number", filter=Q(closed_at__isnull=True)),
            received=Count("number", filter=received),
            closed=Count("number", filter=closed),
        )
        .order_by("assignee_name")
    )
    return [AgentLoad(g["assignee_name"], g["open_now"], g["received"], g["closed"]) for g in groups]


def authority_comparison(cases: QuerySet[Case], period: Period) -> list[AuthorityRow]:
    received, closed = in_range("created_at", period), in_range("closed_at", period)
    aggregates = {
        "received": Count("number", filter=received),
        "closed": Count("number", filter=closed),
        "open_now": Count("number", filter=Q(closed_at__isnull=True)),
    }
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        aggregates["closing_median"] = PercentileCont(MEDIAN, F("closed_at") - F("created_at"), filter=closed)
    groups = list(source.rows(cases, "authority__name").annotate(**aggregates).order_by("authority__name"))
    if not postgresql:
        spent = defaultdict(list)
        for name, created_at, closed_at in cases.filter(closed).values_list(
            "authority__name", "created_at", "closed_at"
        ):
            spent[name].append((closed_at - created_at).total_seconds())
        for group in groups:
            group["closing_median"] = percentile(spent[group["authority__name"]], MEDIAN)
    return [
        AuthorityRow(g["authority__name"], g["received"], g["closed"], g["open_now"], days(g["closing_median"]))
        for g in groups
    ]


def referrals(scope: Scope, period: Period) -> dict[str, Pair]:
    authority_ids = scope.authority_ids or [authority.pk for authority in scope.choices]
    current = referral_figures(authority_ids, period.start, period.end)
    previous = referral_figures(authority_ids, period.previous.start, period.previous.end)
    return {name: Pair(current[name], previous[name]) for name in current}


def compute(scope: Scope, period: Period, filters: Filters = Filters(), today: datetime.date | None = None) -> Figures:
    """Every figure of the statistics page for this scope, period and filters."""
    today = today or timezone.localdate()
    cases = scoped_cases(scope, filters)
    months, received, closed, by_channel, open_at_end = monthly(cases, period)
    received_groups = {
        names: grouped(cases, "created_at", period, *names)
        for names in (
            ("status",),
            ("primary_domain", "secondary_domain"),
            ("primary_third_party", "secondary_third_party"),
            ("citizen__representation", "citizen__gender"),
        )
    }
    timing = delays(cases, period, today)
    return Figures(
        period=period,
        previous=period.previous,
        received=received,
        closed=closed,
        open_at_end=open_at_end,
        past_due=timing["past_due"],
        first_answer_median=timing["first_answer_median"],
        first_answer_p90=timing["first_answer_p90"],
        closing_median=timing["closing_median"],
        closing_p90=timing["closing_p90"],
        first_answer_count=timing["first_answer_count"],
        closing_count=timing["closing_count"],
        months=months,
        by_channel=by_channel,
        by_status=distribution(received_groups[("status",)], "status", list(Status.values)),
        by_domain=two_levels(
            received_groups[("primary_domain", "secondary_domain")], "primary_domain", "secondary_domain"
        ),
        by_third_party=two_levels(
            received_groups[("primary_third_party", "secondary_third_party")],
            "primary_third_party",
            "secondary_third_party",
        ),
        by_outcome=distribution(grouped(cases, "closed_at", period, "outcome"), "outcome"),
        by_representation=distribution(
            received_groups[("citizen__representation", "citizen__gender")], "citizen__representation"
        ),
        by_gender=distribution(received_groups[("citizen__representation", "citizen__gender")], "citizen__gender"),
        referrals=referrals(scope, period),
        load=agent_load(cases, scope, period) if scope.shows_load else None,
        authorities=authority_comparison(cases, period) if scope.platform and scope.authority_ids is None else None,
    )
