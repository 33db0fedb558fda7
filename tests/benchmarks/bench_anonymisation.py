"""The nightly anonymisation's rate: closed cases anonymised per second by one run of the job.

Prints figures, asserts nothing about time. Run (100,000 cases, as issue #14 asks, takes minutes to seed):
    BENCH_ANONYMISE=100000 DATABASE_URL=postgres://… .venv/bin/pytest -s -o addopts="" \
        tests/benchmarks/bench_anonymisation.py
BENCH_ANONYMISE sets the number of cases (default 10,000). They are seeded by the scale benchmark's COPY
(tests/benchmarks/scale/seed.py: citizen, two notes, one inbound message, one event and search row each,
over 100 authorities), then closed 30 months ago; the timed part is `anonymise_due`, as the nightly task
runs it, in batches of BATCH_SIZE under their row locks, each committed as in production (the test is
transactional), so what waits for the commit is in the time. The queries are counted on a first, smaller run.
"""

import os
import time

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.choices import Outcome, Status
from cases.models import Case, Citizen
from cases.privacy.anonymise import BATCH_SIZE, anonymise_due
from tests.benchmarks.scale.seed import ensure_authorities, grow

COUNT = int(os.environ.get("BENCH_ANONYMISE", "10000"))
COUNTED = BATCH_SIZE * 2  # the cases of the query-counting run


def close_long_ago(queryset) -> int:
    closed_at = timezone.now() - relativedelta(months=30)
    return queryset.update(closed_at=closed_at, status=Status.CLOSED, outcome=Outcome.values[0])


@pytest.mark.django_db(transaction=True)
def test_anonymisation_rate():
    seeded = grow(COUNT + COUNTED, ensure_authorities())
    numbers = list(Case.objects.order_by("number").values_list("number", flat=True))
    close_long_ago(Case.objects.filter(number__in=numbers[:COUNTED]))
    with CaptureQueriesContext(connection) as queries:
        assert anonymise_due() == COUNTED

    close_long_ago(Case.objects.filter(number__in=numbers[COUNTED:]))
    started = time.perf_counter()
    anonymised = anonymise_due()
    elapsed = time.perf_counter() - started

    assert anonymised == COUNT
    assert not Citizen.objects.exclude(email="").exists()
    print(
        f"\nAnonymisation : {COUNT} dossiers clôturés (semés en {seeded:.0f} s) anonymisés en {elapsed:.1f} s, "
        f"soit {COUNT / elapsed:.0f} dossiers par seconde ; "
        f"{len(queries.captured_queries) / (COUNTED / BATCH_SIZE):.0f} requêtes SQL par lot de {BATCH_SIZE}."
    )
