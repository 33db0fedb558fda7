"""A huey worker killed with SIGKILL in the middle of sending and of inbound processing loses nothing.

A real consumer (`manage.py run_huey`) runs against Redis (REDIS_URL_FOR_TESTS, db 15, flushed) and
the test's PostgreSQL database; its emails go through a slow backend that writes one file per email.
After the kill, the sweepers run and a new worker finishes the work: every email is sent exactly once
or marked failed, and every received email is on its case.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from cases.models import InboundEmail, Message
from tests.factories import CaseFactory

REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/15")
ROOT = Path(settings.BASE_DIR)
EMAILS = 8
INBOUND = 60

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a shared PostgreSQL"),
    # serialized_rollback: the flush after the test must not run the apps' post_migrate handlers on empty tables.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def worker_env(tmp_path):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mediature.settings",
        "TESTING": "1",
        "HUEY_IMMEDIATE": "0",
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "EMAIL_BACKEND": "tests.slow_email_backend.EmailBackend",
        "SLOW_EMAIL_DIR": str(tmp_path),
        "SLOW_EMAIL_SECONDS": "0.6",
        "INBOUND_DOMAIN": settings.INBOUND_DOMAIN,
        "REPLY_ADDRESS_SECRET": settings.REPLY_ADDRESS_SECRET,
        "MAILJET_API_KEY": "",
        "BREVO_API_KEY": "",
    }
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace(f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@")
    yield env
    redis.Redis.from_url(REDIS_URL).flushdb()


def manage(env, *args, stdin: bytes | None = None) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, check=True, capture_output=True
    )


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "run_huey", "--workers", "1", "--no-periodic"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


SWEEP = (
    "from datetime import timedelta; from cases.mail import inbound, outbound; "
    "outbound.sweep_outbox(queued_grace=timedelta(0), sending_lease=timedelta(0)); "
    "inbound.sweep_inbox(grace=timedelta(0))"
)


def test_a_killed_worker_loses_no_email_in_or_out(worker_env, tmp_path):
    case = CaseFactory(citizen__email="camille@exemple.fr")
    queue = (
        "from cases.models import Case; from cases.mail.outbound import queue_email; "
        f"case = Case.objects.get(pk={case.pk}); "
        f"[queue_email('case_closed', ['camille@exemple.fr'], {{'case': case, 'citizen': case.citizen}}, case=case) "
        f"for _ in range({EMAILS})]"
    )
    raws = [
        (
            f"From: Camille <camille@exemple.fr>\r\nTo: {case.reply_address}\r\nSubject: Réponse {n}\r\n"
            f"Message-ID: <reponse-{n}@exemple.fr>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMessage {n}\r\n"
        ).encode()
        for n in range(INBOUND)
    ]
    # The outbox rows and the stored emails, their tasks in Redis (outbound first: the queue is FIFO).
    store = (
        "import sys; from cases.mail.inbound import store_raw\n"
        "for raw in sys.stdin.buffer.read().split(b'\\0'): store_raw(raw, 'mta')"
    )
    manage(worker_env, "shell", "-c", f"{queue}\n{store}", stdin=b"\0".join(raws[1:]))
    manage(worker_env, "receive_email", stdin=raws[0])  # one through the MTA door, in a real process
    assert InboundEmail.objects.count() == INBOUND

    # Outbound: a worker killed in the middle of sending an email.
    worker = start_worker(worker_env)
    try:
        wait_for(lambda: Message.objects.filter(status=Message.State.SENDING).exists())
        time.sleep(0.3)  # in the middle of that email's 0.6 s
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    interrupted = Message.objects.get(status=Message.State.SENDING)

    # Inbound: a worker killed while it threads the stored emails.
    worker = start_worker(worker_env)
    try:
        wait_for(lambda: InboundEmail.objects.filter(state=InboundEmail.State.THREADED).count() >= 5)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert InboundEmail.objects.filter(state=InboundEmail.State.RECEIVED).exists(), "killed mid-work"

    # Restart: the sweepers re-queue what the dead workers held, a new worker does it.
    manage(worker_env, "shell", "-c", SWEEP)
    worker = start_worker(worker_env)
    try:
        wait_for(
            lambda: (
                not Message.objects.filter(status__in=[Message.State.QUEUED, Message.State.SENDING]).exists()
                and not InboundEmail.objects.filter(state=InboundEmail.State.RECEIVED).exists()
            )
        )
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)

    outgoing = Message.objects.filter(template="case_closed")
    files = [path.read_bytes() for path in tmp_path.glob("*.eml")]
    for message in outgoing:
        copies = sum(message.message_id.encode() in data for data in files)
        if message.status == Message.State.SENT:
            assert copies == 1, message.message_id
        else:
            assert message.status == Message.State.FAILED and copies <= 1
    interrupted.refresh_from_db()
    assert interrupted.status == Message.State.FAILED and "interrompu" in interrupted.error
    assert outgoing.filter(status=Message.State.SENT).count() == EMAILS - 1

    assert InboundEmail.objects.filter(state=InboundEmail.State.THREADED).count() == INBOUND
    received = Message.objects.filter(direction=Message.Direction.IN)
    assert received.count() == INBOUND
    assert sorted(received.values_list("subject", flat=True)) == sorted(f"Réponse {n}" for n in range(INBOUND))
    assert case.message_links.filter(processed=False).count() == INBOUND
