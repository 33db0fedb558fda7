"""How many stored inbound emails one worker threads per second, and how many SQL statements each costs.

Prints figures, asserts nothing about time: emails per second (wall clock), SQL statements per email, and the
worker's own processor time per email, which a loaded machine (the load is printed) inflates less. Run:
    DATABASE_URL=postgres://… .venv/bin/pytest tests/benchmarks/bench_inbound.py -s -o addopts=""
BENCH_INBOUND sets the number of emails (default 200). The emails are the real client replies of
tests/mail/ (Gmail, Outlook with a PDF, Apple Mail with an inline image and a PDF, Thunderbird with a
refused file, an auto-reply), each under its own Message-ID, stored first as the doors do, five to a case.
The timed part is what the `process_inbound` task does for each, as one huey worker does it: `process(pk)`
in its own transaction, committed, then what waits for the commit (the case's search row). Statements are
counted like tests/test_write_queries.py counts them (BEGIN and COMMIT are not statements).
"""

import os
import time
from itertools import cycle

import pytest
from django.db import connection

from cases.mail.inbound import process
from cases.mail.outbound import queue_email
from cases.models import InboundEmail, Message
from tests.factories import CaseFactory
from tests.mailbox import load_eml

# Real transactions, as in the worker; serialized_rollback: the flush must not run post_migrate on empty tables.
pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the figures are PostgreSQL's"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COUNT = int(os.environ.get("BENCH_INBOUND", "200"))
PER_CASE = 5
FIXTURES = ("gmail_reply.eml", "outlook_reply.eml", "apple_mail_reply.eml", "thunderbird_reply.eml", "auto_reply.eml")


def test_inbound_throughput(mail_settings):
    cases = CaseFactory.create_batch(max(1, COUNT // PER_CASE))
    sent = [
        queue_email("case_closed", [case.citizen.email], {"case": case, "citizen": case.citizen}, case=case)
        for case in cases
    ]
    stored = []
    for number, (fixture, (case, ours)) in zip(
        range(COUNT), zip(cycle(FIXTURES), cycle(zip(cases, sent, strict=True))), strict=False
    ):
        raw = load_eml(fixture, [case], ours.message_id)
        raw = raw.replace(b"Message-ID: <", f"Message-ID: <bench{number}.".encode(), 1)
        raw = raw.replace(b"Message-Id: <", f"Message-Id: <bench{number}.".encode(), 1)
        stored.append(InboundEmail.objects.create(door="mta", raw=raw, size=len(raw)).pk)

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started, cpu_started = time.perf_counter(), time.process_time()
        for pk in stored:
            process(pk)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started

    assert InboundEmail.objects.filter(state=InboundEmail.State.THREADED).count() == COUNT
    assert Message.objects.filter(direction=Message.Direction.IN).count() == COUNT
    print(
        f"\nRéception : {COUNT} emails traités en {elapsed:.2f} s par un worker, "
        f"soit {COUNT / elapsed:.1f} emails par seconde ; "
        f"{len(statements) / COUNT:.1f} requêtes SQL par email ; "
        f"{cpu / COUNT * 1000:.1f} ms de processeur par email (soit {COUNT / cpu:.0f} emails par seconde "
        f"sans attendre la base ni un processeur partagé ; charge de la machine : {os.getloadavg()[0]:.1f})."
    )
