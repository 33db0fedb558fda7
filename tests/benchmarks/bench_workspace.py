"""Latency of the agents' case index and of its search with 100,000 cases, and queries per request.

Prints figures (median and p95 over the repeated requests, queries per request), asserts nothing
about time. Run on PostgreSQL:
    DATABASE_URL=postgres://… .venv/bin/pytest tests/benchmarks/bench_workspace.py -s -o addopts=""
BENCH_CASES sets the number of cases (default 100000), spread over BENCH_AUTHORITIES authorities
(default 10): the measured agent sees one authority's share, as in production. Cases, citizens,
notes and message links are written with bulk_create; their search rows by `reindex_cases` (what
`seed_demo` does), chunk by chunk, then ANALYZE, then the timings.
"""

import os
import random
import statistics
import time
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from authorities.models import Role
from cases.choices import Channel, Status
from cases.models import Case, Citizen, Message, MessageCase, Note
from cases.search import reindex_cases
from tests.factories import AuthorityFactory, MembershipFactory

CASES = int(os.environ.get("BENCH_CASES", "100000"))
AUTHORITIES = int(os.environ.get("BENCH_AUTHORITIES", "10"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
CHUNK = 2000

FIRST_NAMES = ["Camille", "Léa", "Hugo", "Louis", "Chloé", "Inès", "Jules", "Manon", "Nathan", "Sarah"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"]
TOPICS = [
    "facture d'eau contestée",
    "stationnement devant l'école",
    "place en crèche refusée",
    "nuisances sonores d'un chantier",
    "permis de construire en attente",
    "aide sociale suspendue",
    "logement social non attribué",
    "ramassage des déchets oublié",
]


def build(authorities, agents) -> None:
    rng = random.Random(42)
    today = timezone.localdate()
    message = Message.objects.create(
        direction="in", status="received", from_email="usager@exemple.fr", message_id=f"<{uuid.uuid4()}@bench>"
    )
    for start in range(0, CASES, CHUNK):
        size = min(CHUNK, CASES - start)
        cases = Case.objects.bulk_create(
            Case(
                authority=authorities[(start + i) % AUTHORITIES],
                assignee=agents[(start + i) % AUTHORITIES] if rng.random() < 0.3 else None,
                status=rng.choice([Status.TO_PROCESS, Status.CONTACT_REQUESTER, Status.WAITING_FOR_REQUESTER]),
                channel=rng.choice(Channel.values),
                description=f"Demande n°{start + i} : {rng.choice(TOPICS)}, {rng.choice(TOPICS)}.",
                due_date=today + timezone.timedelta(days=rng.randint(-10, 60)) if rng.random() < 0.4 else None,
            )
            for i in range(size)
        )
        Citizen.objects.bulk_create(
            Citizen(
                case=case,
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"{rng.choice(LAST_NAMES)}{case.number % 997}",
                email=f"usager{case.number}@exemple.fr",
            )
            for case in cases
        )
        Note.objects.bulk_create(
            Note(case=case, date=today, content=f"<p>Appel du requérant au sujet de {rng.choice(TOPICS)}</p>")
            for case in cases
            if rng.random() < 0.3
        )
        MessageCase.objects.bulk_create(
            MessageCase(message=message, case=case, processed=False) for case in cases if rng.random() < 0.05
        )
        reindex_cases(case.number for case in cases)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client, params) -> tuple[float, float, float, str]:
    client.get("/admin/dossiers/", params)  # warm up
    timings, queries = [], 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/admin/dossiers/", params)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        queries = len(captured.captured_queries)
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    return statistics.median(timings), p95, queries, response.context["paginator"].items_count_label


def test_workspace_index_and_search_latency(client, db):
    authorities = [AuthorityFactory(name=f"Banc {n}", slug=f"banc-{n}") for n in range(AUTHORITIES)]
    agents = [MembershipFactory(authority=authority, role=Role.AGENT).user for authority in authorities]
    started = time.perf_counter()
    build(authorities, agents)
    print(f"\n{Case.objects.count()} dossiers créés et indexés en {time.perf_counter() - started:.0f} s.")
    client.force_login(agents[0])
    some_case = Case.objects.filter(authority=authorities[0]).order_by("?").first()
    scenarios = [
        ("Index, tous les dossiers", {}),
        ("Index, mes dossiers ouverts", {"vue": "mes-dossiers", "etat": "ouverts"}),
        ("Index, page 20", {"p": "20"}),
        ("Recherche d'un numéro", {"q": str(some_case.number)}),
        ("Recherche plein texte « facture »", {"q": "facture"}),
        ("Recherche plein texte « crèche refusée »", {"q": "crèche refusée"}),
        ("Recherche d'un nom", {"q": some_case.citizen.last_name}),
        ("Recherche d'un nom mal orthographié", {"q": some_case.citizen.last_name[:-1] + "x"}),
        ("Recherche sans accents « creche refusee »", {"q": "creche refusee"}),
    ]
    print(f"Agent d'une collectivité sur {AUTHORITIES} ; {REPEAT} requêtes par scénario.")
    for label, params in scenarios:
        median, p95, queries, rows = measure(client, params)
        print(f"{label:<45} médiane {median:7.1f} ms   p95 {p95:7.1f} ms   {queries} requêtes SQL par page   {rows}")
