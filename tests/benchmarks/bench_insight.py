"""The statistics page and the export at scale (issue 13): time and queries of the page, time and peak memory
of the export. Prints figures, asserts nothing about time. PostgreSQL only:

    DATABASE_URL=postgres://… .venv/bin/pytest tests/benchmarks/bench_insight.py -s -o addopts="-p no:cacheprovider"

BENCH_INSIGHT_CASES sets the number of cases (default 100000; 1000000 for the issue's second size), spread
over BENCH_INSIGHT_AUTHORITIES authorities (default 10) and three years, with citizens (COPY, as the scale
benchmark seeds: tests/benchmarks/scale/seed.py). Measured: the page of one authority's agent (a tenth of the
cases) and of a platform admin (all of them), median of BENCH_REPEAT requests, and their query counts; then
the export of a platform admin (every case) as CSV and as XLSX: its time, and the peak of Python memory during
it (tracemalloc, a second run) beside the process's resident high-water mark.
"""

import datetime
import os
import random
import resource
import statistics
import time
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from authorities.models import Role
from cases.choices import Channel, Gender, Originator, Outcome, Representation, Status
from cases.insight import export
from cases.insight.figures import Filters, compute
from cases.insight.models import Job, Kind
from cases.insight.period import Period
from cases.insight.scope import scope_for
from cases.models import Case, Citizen, Domain
from tests.benchmarks.scale.seed import Table, move_sequences
from tests.conftest import member_of
from tests.factories import AuthorityFactory
from tests.test_case_access_matrix import sign_in

CASES = int(os.environ.get("BENCH_INSIGHT_CASES", "100000"))
AUTHORITIES = int(os.environ.get("BENCH_INSIGHT_AUTHORITIES", "10"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
CHUNK = 20_000
CITIES = [("Brest", "29200"), ("Quimper", "29000"), ("Morlaix", "29600"), ("Plouzané", "29280"), ("Lyon", "69001")]
OPEN = [Status.TO_PROCESS, Status.CONTACT_REQUESTER, Status.WAITING_FOR_REQUESTER, Status.ABOUT_TO_CLOSE]

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (COPY, percentile_cont)")

CASE_COLUMNS = (
    "number",
    "authority_id",
    "assignee_id",
    "status",
    "channel",
    "originator",
    "description",
    "competent",
    "domain_id",
    "outcome",
    "created_at",
    "closed_at",
    "first_answer_at",
)
CITIZEN_COLUMNS = ("case_id", "first_name", "last_name", "email", "gender", "representation", "city", "postal_code")


def case_rows(rng: random.Random, numbers: range, authority_ids, agent_ids, domains, now) -> tuple[list, list]:
    """Three years of requests; three cases in five closed 1 to 200 days later; seven in ten answered."""
    cases, citizens = [], []
    for number in numbers:
        slot = number % len(authority_ids)
        created = now - datetime.timedelta(days=rng.randint(0, 1094), seconds=rng.randint(0, 86399))
        closed = min(now, created + datetime.timedelta(days=rng.randint(1, 200))) if number % 5 < 3 else None
        answered = created + datetime.timedelta(days=rng.randint(0, 20), hours=3) if number % 10 < 7 else None
        cases.append(
            (
                number,
                authority_ids[slot],
                agent_ids[slot] if rng.random() < 0.6 else None,
                Status.CLOSED if closed else rng.choice(OPEN),
                rng.choice(Channel.values),
                rng.choice(Originator.values),
                f"Demande n°{number}",
                True,
                rng.choice(domains),
                rng.choice(Outcome.values) if closed else "",
                created,
                closed,
                min(answered, now) if answered else None,
            )
        )
        city, postal_code = rng.choice(CITIES)
        email = f"usager{number}@exemple.fr" if rng.random() < 0.8 else ""
        gender, representation = rng.choice(["", *Gender.values]), rng.choice(Representation.values)
        citizens.append((number, "Camille", f"Usager{number}", email, gender, representation, city, postal_code))
    return cases, citizens


def seed(authorities, agents) -> float:
    started, now = time.perf_counter(), timezone.now()
    rng = random.Random(CASES)
    domains = list(Domain.objects.filter(authority=None).values_list("pk", flat=True))
    case_table, citizen_table = Table(Case, CASE_COLUMNS), Table(Citizen, CITIZEN_COLUMNS)
    authority_ids, agent_ids = [a.pk for a in authorities], [a.pk for a in agents]
    for first in range(1, CASES + 1, CHUNK):
        numbers = range(first, min(first + CHUNK, CASES + 1))
        cases, citizens = case_rows(rng, numbers, authority_ids, agent_ids, domains, now)
        case_table.copy(cases)
        citizen_table.copy(citizens)
    move_sequences(Case)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def timed_page(client, user, query: dict) -> tuple[float, int]:
    sign_in(client, user)
    client.get(reverse("insight_statistics"), query)  # warm
    times, counts = [], []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(reverse("insight_statistics"), query)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200
        counts.append(len(queries))
    return statistics.median(times) * 1000, max(counts)


def timed_figures(user, query: dict) -> float:
    """The figures alone (their SQL and Python, no page around them): median in ms."""
    scope = scope_for(user)
    period = (
        Period.last_twelve_months() if not query else Period(datetime.date(2000, 1, 1), datetime.date(2100, 12, 31))
    )
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        compute(scope, period)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def timed_dashboard(client, user) -> float:
    """Wagtail's dashboard, the cost of any admin page's frame (menu, sidebar) on this machine: median in ms."""
    sign_in(client, user)
    client.get(reverse("wagtailadmin_home"))
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        client.get(reverse("wagtailadmin_home"))
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def run_export(user, kind: str, traced: bool) -> tuple[float, int, float]:
    job = export.start_export(user, kind, scope_for(user), "banc d'essai", None, Filters())
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    export.run(job.pk)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    job.refresh_from_db()
    assert job.done == CASES, job.error
    return seconds, job.file_size, peak / 1024 / 1024


def test_statistics_and_export_at_scale(client, db, platform_admin, django_capture_on_commit_callbacks):
    authorities = [AuthorityFactory(name=f"Banc {index}", slug=f"banc-{index}") for index in range(AUTHORITIES)]
    agents = [member_of(authority, Role.AGENT) for authority in authorities]
    seconds = seed(authorities, agents)
    print(f"\n{CASES:,} cases over {AUTHORITIES} authorities seeded in {seconds:.0f} s")
    for who, user in (("agent of one authority", agents[0]), ("platform admin, every authority", platform_admin)):
        for label, query in (
            ("last 12 months", {}),
            ("three years", {"periode": "plage", "du": "2000-01-01", "au": "2100-12-31"}),
        ):
            median, queries = timed_page(client, user, query)
            alone = timed_figures(user, query)
            print(
                f"statistics page, {who}, {label}: median {median:.0f} ms, {queries} queries"
                f" (figures alone {alone:.0f} ms)"
            )
        print(f"admin dashboard, {who} (an admin page's frame): median {timed_dashboard(client, user):.0f} ms")
    for kind in (Kind.CSV, Kind.XLSX):
        seconds, size, _ = run_export(platform_admin, kind, traced=False)
        _, _, peak = run_export(platform_admin, kind, traced=True)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"export {kind} of {CASES:,} cases: {seconds:.1f} s, {size / 1024 / 1024:.1f} MB file, "
            f"Python peak {peak:.1f} MB (tracemalloc), process high-water mark {rss:.0f} MB"
        )
    Job.objects.all().delete()
