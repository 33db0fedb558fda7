"""How many stored inbound emails one worker threads per second, and how many SQL queries each costs.

Prints figures, asserts nothing about time: emails per second (wall clock), SQL queries per email, and the
worker's own processor time per email, which a loaded machine (the load is printed) inflates less. Run:
    DATABASE_URL=postgres://… .venv/bin/pytest tests/benchmarks/bench_inbound.py -s -o addopts=""
BENCH_INBOUND sets the number of emails (default 200). The emails are the real client replies of
tests/mail/ (Gmail, Outlook with a PDF, Apple Mail with an inline image and a PDF, Thunderbird with a
refused file, an auto-reply), each under its own Message-ID, stored first as the doors do; the timed
part is what the `process_inbound` task does for each, in one process, as one huey worker would.
"""

import os
import time
from itertools import cycle

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.mail.inbound import process
from cases.mail.outbound import queue_email
from cases.models import InboundEmail, Message
from tests.factories import CaseFactory
from tests.mailbox import load_eml

COUNT = int(os.environ.get("BENCH_INBOUND", "200"))
FIXTURES = ("gmail_reply.eml", "outlook_reply.eml", "apple_mail_reply.eml", "thunderbird_reply.eml", "auto_reply.eml")


def test_inbound_throughput(mail_settings, django_capture_on_commit_callbacks):
    cases = CaseFactory.create_batch(10)
    with django_capture_on_commit_callbacks(execute=False):
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

    with django_capture_on_commit_callbacks(execute=False), CaptureQueriesContext(connection) as queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        for pk in stored:
            process(pk)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started

    assert InboundEmail.objects.filter(state=InboundEmail.State.THREADED).count() == COUNT
    assert Message.objects.filter(direction=Message.Direction.IN).count() == COUNT
    print(
        f"\nRéception : {COUNT} emails traités en {elapsed:.2f} s par un worker, "
        f"soit {COUNT / elapsed:.1f} emails par seconde ; "
        f"{len(queries.captured_queries) / COUNT:.1f} requêtes SQL par email ; "
        f"{cpu / COUNT * 1000:.1f} ms de processeur par email (soit {COUNT / cpu:.0f} emails par seconde "
        f"sans attendre la base ni un processeur partagé ; charge de la machine : {os.getloadavg()[0]:.1f})."
    )
