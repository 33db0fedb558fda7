"""How fast the public request form records requests, and how many SQL queries each one costs.

Prints figures, asserts nothing about time. Run:
    DATABASE_URL=postgres://… .venv/bin/pytest tests/benchmarks/bench_intake.py -s -o addopts=""
BENCH_SUBMISSIONS sets the number of submissions (default 50). Each posts a complete request with
one PDF; the acknowledgement is queued (its Message row is counted) but, as in production, sent by
the worker after commit, so its sending is not timed.
"""

import os
import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from tests.test_request_form import FORM_URL, PDF, valid_data

SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "50"))


# Transactional: what runs after commit (acknowledgement email, search index) is part of a submission.
@pytest.mark.django_db(transaction=True)
def test_request_form_throughput(client, authority, settings):
    settings.REQUEST_RATE_LIMIT = SUBMISSIONS + 1
    cache.clear()
    client.get(FORM_URL)  # warm up templates and the page tree lookups

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        for _number in range(SUBMISSIONS):
            response = client.post(FORM_URL, valid_data(documents=[SimpleUploadedFile("courrier.pdf", PDF)]))
            assert response.status_code == 302
        elapsed = time.perf_counter() - started

    assert Case.objects.count() == SUBMISSIONS
    print(
        f"\nFormulaire de demande : {SUBMISSIONS} envois en {elapsed:.2f} s, "
        f"soit {SUBMISSIONS / elapsed:.1f} envois par seconde ; "
        f"{len(queries.captured_queries) / SUBMISSIONS:.1f} requêtes SQL par envoi."
    )
