"""The audit log's cost on opening a case: queries and time the case page's row adds (issue #14, item 6).

Prints figures (median and p95 over the repeated requests, queries per request, with and without the
row), asserts nothing about time. Run on PostgreSQL:
    DATABASE_URL=postgres://… .venv/bin/pytest tests/benchmarks/bench_audit.py -s -o addopts=""
BENCH_AUDIT_ROWS sets how many rows the log already holds (default 100,000: the appends are measured on
a log of some size, written by `record_many` in chunks), BENCH_REPEAT how many times the page is opened
each way (default 30), alternating with and without. « Without » is the same page with `record` made a
no-op for the measure only; `record` alone is also timed, outside any request.
"""

import os
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authorities.models import Role
from cases.audit import service
from cases.audit.models import Action, AuditEntry
from cases.audit.service import Target
from tests.conftest import member_of
from tests.factories import CaseFactory
from tests.workspace_factories import fast_passwords, fill_case_page  # noqa: F401

ROWS = int(os.environ.get("BENCH_AUDIT_ROWS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
CHUNK = 5000


def seed_log(authority_id: int, actor) -> float:
    started = time.perf_counter()
    for start in range(0, ROWS, CHUNK):
        targets = [
            Target("case", str(n), f"Dossier n°{n}", n, authority_id) for n in range(start, min(start + CHUNK, ROWS))
        ]
        service.record_many(actor, Action.CASE_VIEWED, targets)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditentry")
    return time.perf_counter() - started


def count_queries(client, url: str) -> int:
    client.get(url)  # warm the process
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def timed(client, url: str) -> float:
    started = time.perf_counter()
    client.get(url)
    return (time.perf_counter() - started) * 1000


def figures(timings: list[float]) -> str:
    p95 = statistics.quantiles(timings, n=20)[-1]
    return f"médiane {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms"


@pytest.mark.django_db
def test_audit_cost_of_opening_a_case(client, authority, monkeypatch):
    agent = member_of(authority, Role.AGENT)
    case = CaseFactory(authority=authority)
    fill_case_page(case, 10, member_of(authority, Role.AGENT))
    seeded = seed_log(authority.pk, agent)
    client.force_login(agent)
    url = f"/admin/dossiers/{case.number}/"

    real, noop = service.record, lambda *args, **kwargs: None
    queries_with = count_queries(client, url)
    monkeypatch.setattr(service, "record", noop)
    queries_without = count_queries(client, url)
    # Alternated, so that the load of a shared machine weighs the same on both series.
    before, with_row, without_row = AuditEntry.objects.count(), [], []
    for _ in range(REPEAT):
        monkeypatch.setattr(service, "record", real)
        with_row.append(timed(client, url))
        monkeypatch.setattr(service, "record", noop)
        without_row.append(timed(client, url))
    written = AuditEntry.objects.count() - before
    monkeypatch.setattr(service, "record", real)
    started = time.perf_counter()
    for _ in range(REPEAT):
        service.record(agent, Action.CASE_VIEWED, obj=case)
    record_alone = (time.perf_counter() - started) * 1000 / REPEAT

    assert written == REPEAT  # one row per opening with the row
    added = statistics.median(with_row) - statistics.median(without_row)
    print(
        f"\nJournal d'audit ({ROWS} entrées déjà écrites en {seeded:.0f} s, {REPEAT} ouvertures de la page) :"
        f"\n  page d'un dossier avec l'entrée : {figures(with_row)}, {queries_with} requêtes SQL ;"
        f"\n  sans l'entrée : {figures(without_row)}, {queries_without} requêtes SQL ;"
        f"\n  ajouté par ouverture : {queries_with - queries_without} requête(s), {added:+.1f} ms en médiane ;"
        f"\n  `record` seul : {record_alone:.2f} ms par entrée ({connection.vendor})."
    )
