"""National scale: the platform's pages and writes at 10,000, 100,000 and 1,000,000 cases, through gunicorn.

Run with `make bench-scale` (or `.venv/bin/python -m tests.benchmarks.scale.run`). It prints figures and
asserts nothing about time. Settings, all optional:
    SCALE_DATABASE_URL  the benchmark's own database, created if missing and kept between runs
                        (default postgres://root@127.0.0.1:5432/mediature_scale); it is seeded incrementally:
                        a second run at the same size measures again without seeding.
    SCALE_SIZES         case counts to grow to and measure at, in order (default 10000,100000,1000000)
    SCALE_REPEAT        timed requests per scenario (default 30)

At each size the database is grown (tests/benchmarks/scale/seed.py: COPY, then production's search
statement, then ANALYZE), then gunicorn starts on the production settings (DEBUG off, HUEY_IMMEDIATE
so a write's after-commit work is in its time, console email) wrapped by tests/benchmarks/scale/settings.py,
which adds only the server-side query counter and the floor view (tests/benchmarks/scale/probe.py).
One agent of the first authority (1 % of the cases) is measured; each scenario's first request is a
warm-up whose SQL is captured, then SCALE_REPEAT timed requests, then SCALE_REPEAT timed requests to the
floor replaying that SQL. Web worker peak memory is the gunicorn workers' VmHWM, read from /proc.
"""

import json
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import cycle
from pathlib import Path

import psycopg
import requests
from psycopg import sql

from tests.production.server import PROJECT_DIR, Gunicorn, collect_static, production_env, start_gunicorn

DATABASE_URL = os.environ.get("SCALE_DATABASE_URL", "postgres://root@127.0.0.1:5432/mediature_scale")
SIZES = [int(size) for size in os.environ.get("SCALE_SIZES", "10000,100000,1000000").split(",")]
REPEAT = int(os.environ.get("SCALE_REPEAT", "30"))
PAGE_SIZE = 50  # cases a page of the index (cases/workspace/index.py)
REQUEST_FORM_SLUG = "faire-une-demande"  # pages/tree.py
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Figures:
    p50: float
    p95: float
    queries: int
    floor_p50: float


@dataclass
class Scenario:
    """One page or write: `send(client, capture_key)` makes the request and returns the response."""

    label: str
    send: Callable[["Client", str | None], requests.Response]
    expected: int = 200


class Client:
    """HTTP to gunicorn with the agent's session; cookies are sent by hand (they are Secure, the loopback is http)."""

    def __init__(self, url: str, cookies: dict[str, str]) -> None:
        self.url, self.cookies, self.http = url, dict(cookies), requests.Session()
        self.csrf = ""
        self.http.trust_env = False

    def request(self, method: str, path: str, capture: str | None = None, **kwargs) -> requests.Response:
        headers = {**kwargs.pop("headers", {}), "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if capture:
            headers["X-Bench-Capture"] = capture
        response = self.http.request(method, self.url + path, headers=headers, allow_redirects=False, **kwargs)
        self.cookies.update(response.cookies.get_dict())
        return response

    def form_token(self, path: str) -> str:
        """GET the form page (untimed), keeping its CSRF cookie; returns the token of its form."""
        page = self.request("GET", path)
        page.raise_for_status()
        return CSRF_INPUT.search(page.text).group(1)


def percentile(timings: list[float], fraction: float) -> float:
    ordered = sorted(timings)
    return ordered[max(0, round(fraction * len(ordered)) - 1)]


def timed(send: Callable[[], requests.Response], expected: int) -> tuple[float, requests.Response]:
    started = time.perf_counter()
    response = send()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != expected:
        raise RuntimeError(f"{response.request.method} {response.url}: {response.status_code}\n{response.text[:2000]}")
    return elapsed, response


def measure(client: Client, scenario: Scenario, key: str) -> Figures:
    timed(lambda: scenario.send(client, key), scenario.expected)  # warm-up, its SQL captured for the floor
    timings, queries = [], 0
    for _ in range(REPEAT):
        elapsed, response = timed(lambda: scenario.send(client, None), scenario.expected)
        timings.append(elapsed)
        queries = int(response.headers["X-Bench-Queries"])
    floor = [timed(lambda: client.request("GET", f"/__banc__/plancher/{key}/"), 200)[0] for _ in range(REPEAT)]
    return Figures(statistics.median(timings), percentile(timings, 0.95), queries, statistics.median(floor))


def form_data() -> dict[str, str]:
    """A complete request from the public form, as its own tests send it."""
    from tests.test_request_form import valid_data

    return valid_data()


def inbound_payload(case) -> tuple[bytes, str]:
    """A Gmail reply to the case, as Mailjet posts it (new Message-ID each time), and the webhook's credentials."""
    from django.conf import settings

    from tests.mailbox import basic_auth, load_eml, mailjet_payload

    raw = load_eml("gmail_reply.eml", [case], f"<{case.number}.scale@exemple.fr>")
    raw = raw.replace(b"Message-ID: <", f"Message-ID: <{uuid.uuid4().hex}.".encode(), 1)
    return json.dumps(mailjet_payload(raw)).encode(), basic_auth(settings.ANYMAIL["WEBHOOK_SECRET"])


def scenarios(case) -> list[Scenario]:
    """What an agent and the outside world do most, on `case`, a case of the agent's authority."""
    from cases.choices import Status
    from tests.benchmarks.scale.seed import RARE_WORD

    def get(path: str, params: dict | None = None):
        return lambda client, key: client.request("GET", path, key, params=params)

    def post(path: str, data: Callable[[], dict]):
        return lambda client, key: client.request(
            "POST", path, key, data={**data(), "csrfmiddlewaretoken": client.csrf}
        )

    def note() -> dict[str, str]:
        from tests.draftail import typed  # what Draftail posts

        return {"date": date.today().isoformat(), "kind": "note", "content": typed("Appel du requérant.")}

    def inbound(client: Client, key: str | None) -> requests.Response:
        body, authorization = inbound_payload(case)
        headers = {"Authorization": authorization, "Content-Type": "application/json"}
        return client.request("POST", "/mail/mailjet/inbound/", key, data=body, headers=headers)

    # Each change of status is a real one: the form moves the case back and forth between two steps.
    steps = cycle([Status.CONTACT_ADMINISTRATION, Status.WAITING_FOR_ADMINISTRATION])

    def status() -> dict[str, str]:
        return {"status": next(steps)}

    index = "/admin/dossiers/"
    own = type(case).objects.filter(authority_id=case.authority_id).count()
    return [
        Scenario("Index, vue par défaut (tous)", get(index)),
        Scenario("Index, dossiers ouverts", get(index, {"etat": "ouverts"})),
        Scenario("Index, mes dossiers", get(index, {"vue": "mes-dossiers"})),
        Scenario("Index, dernière page pleine", get(index, {"p": str(max(1, own // PAGE_SIZE))})),
        Scenario(f"Recherche, mot rare « {RARE_WORD} »", get(index, {"q": RARE_WORD})),
        Scenario("Recherche, nom « Durand »", get(index, {"q": "Durand"})),
        Scenario("Recherche, adresse partielle « usager5300@ »", get(index, {"q": "usager5300@"})),
        Scenario("Tableau de bord", get("/admin/")),
        Scenario("Page d'un dossier", get(f"/admin/dossiers/{case.number}/")),
        Scenario("Formulaire de demande (POST)", post(f"/{case.authority.slug}/{REQUEST_FORM_SLUG}/", form_data), 302),
        Scenario("Message entrant (webhook Mailjet)", inbound),
        Scenario("Note ajoutée (POST)", post(f"/admin/dossiers/{case.number}/notes/ajouter/", note), 302),
        Scenario("Avancement changé (POST)", post(f"/admin/dossiers/{case.number}/informations/", status), 302),
    ]


def worker_peak_rss_mb(server: Gunicorn) -> float:
    """The highest VmHWM (peak resident memory) of gunicorn's workers, the master's children."""
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    peaks = []
    for child in children:
        status = Path(f"/proc/{child}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return max(peaks)


def database_sizes() -> tuple[float, float]:
    from django.db import connection

    from cases.models import CaseSearch

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_database_size(current_database()), pg_total_relation_size(%s)", [CaseSearch._meta.db_table]
        )
        whole, search = cursor.fetchone()
    return whole / 2**20, search / 2**20


def create_database() -> None:
    name = psycopg.conninfo.conninfo_to_dict(DATABASE_URL)["dbname"]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def server_environment(work_dir: Path) -> dict[str, str]:
    env = production_env(
        work_dir,
        DATABASE_URL=DATABASE_URL,
        DJANGO_SETTINGS_MODULE="tests.benchmarks.scale.settings",
        HUEY_IMMEDIATE="1",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        BENCH_CAPTURE_DIR=str(work_dir),
        SECRET_KEY="banc-national-" + "x" * 50,  # the runner signs sessions and reply addresses with it too
    )
    return env


def prepare(env: dict[str, str]) -> None:
    """Database, migrations, static files, then Django in this process on the very same settings."""
    import subprocess

    create_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=PROJECT_DIR, env=env, check=True)
    collect_static(env)
    os.environ.update(env)
    import django

    django.setup()


def agent_session() -> dict[str, str]:
    """The measured agent's session cookie, as Django's test client logs in (no password round trip)."""
    from django.conf import settings
    from django.test import Client as DjangoClient

    from authorities.models import User
    from tests.benchmarks.scale.seed import agent_email

    django_client = DjangoClient()
    django_client.force_login(User.objects.get(email=agent_email(0)))
    return {settings.SESSION_COOKIE_NAME: django_client.cookies[settings.SESSION_COOKIE_NAME].value}


def measure_size(size: int, env: dict[str, str], work_dir: Path) -> tuple[dict[str, Figures], dict[str, float]]:
    from cases.models import Case
    from tests.benchmarks.scale.seed import ensure_authorities, grow

    authorities = ensure_authorities()
    seconds = grow(size, authorities)
    cookies = agent_session()
    own = Case.objects.filter(authority=authorities[0]).order_by("number")
    middle = own[own.count() // 2]
    server = start_gunicorn(env, work_dir / f"gunicorn-{size}.log")
    try:
        client = Client(server.url, cookies)
        client.csrf = client.form_token(f"/admin/dossiers/{middle.number}/notes/ajouter/")
        figures = {
            scenario.label: measure(client, scenario, f"{size}-{number}")
            for number, scenario in enumerate(scenarios(middle))
        }
        rss = worker_peak_rss_mb(server)
    finally:
        server.stop()
    whole, search = database_sizes()
    return figures, {
        "seed_s": seconds,
        "rss_mb": rss,
        "db_mb": whole,
        "search_mb": search,
        "cases": Case.objects.count(),
    }


def print_size(size: int, figures: dict[str, Figures], facts: dict[str, float]) -> None:
    print(
        f"\n## {facts['cases']:,} dossiers (croissance jusqu'ici en {facts['seed_s']:.0f} s ; "
        f"{REPEAT} requêtes par scénario)".replace(",", "\N{NARROW NO-BREAK SPACE}")
    )
    print(f"{'Scénario':<48} {'p50 ms':>8} {'p95 ms':>8} {'requêtes':>9} {'plancher ms':>12} {'p50/plancher':>13}")
    for label, row in figures.items():
        ratio = row.p50 / row.floor_p50 if row.floor_p50 else float("nan")
        print(f"{label:<48} {row.p50:8.1f} {row.p95:8.1f} {row.queries:9d} {row.floor_p50:12.1f} {ratio:13.1f}")
    print(
        f"Mémoire de pointe d'un worker web : {facts['rss_mb']:.0f} Mo ; base : {facts['db_mb']:.0f} Mo, "
        f"dont table de recherche : {facts['search_mb']:.0f} Mo."
    )


def print_growth(results: dict[int, dict[str, Figures]]) -> None:
    first, last = min(results), max(results)
    if first == last:
        return
    print(f"\n## Croissance {first:,} → {last:,} dossiers (p50)".replace(",", "\N{NARROW NO-BREAK SPACE}"))
    for label, row in results[last].items():
        start = results[first][label]
        print(f"{label:<48} ×{row.p50 / start.p50:6.2f}   requêtes {start.queries} → {row.queries}")


def main() -> None:
    work_dir = Path(tempfile.mkdtemp(prefix="mediature-scale-"))
    env = server_environment(work_dir)
    prepare(env)
    results = {}
    for size in SIZES:
        figures, facts = measure_size(size, env, work_dir)
        print_size(size, figures, facts)
        results[size] = figures
        sys.stdout.flush()
    print_growth(results)


if __name__ == "__main__":
    main()
