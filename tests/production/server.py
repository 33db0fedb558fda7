"""The production shape, run from the test process: collectstatic with the production storage, then gunicorn.

Both run as real subprocesses on `mediature.settings` (never the test settings), with an environment built
from scratch so nothing of pytest's (TESTING, HUEY_IMMEDIATE…) leaks into them.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

PROJECT_DIR = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def database_url(settings_dict: dict) -> str:
    """The DATABASE_URL of a Django PostgreSQL connection (pytest-django's test database)."""
    credentials = quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict["HOST"] or "localhost"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{credentials}@{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def production_env(work_dir: Path, **variables: str) -> dict[str, str]:
    """What a deployment sets (README, Configuration), with plain HTTP on the loopback for the browser.

    Only SECURE_SSL_REDIRECT is turned off: Secure cookies still work, Chromium treating http://127.0.0.1
    as a secure context. The request form's per-IP limit is raised, every journey coming from 127.0.0.1;
    huey queues in a file (no worker runs: what it would send is not checked here).
    """
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(work_dir),
        "LANG": "C.UTF-8",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "ANYMAIL_WEBHOOK_SECRET": "webhook:" + secrets.token_urlsafe(16),
        "STATIC_ROOT": str(work_dir / "static"),
        "MEDIA_ROOT": str(work_dir / "media"),
        "HUEY_SQLITE_PATH": str(work_dir / "huey.sqlite3"),
        "SECURE_SSL_REDIRECT": "0",
        "REQUEST_RATE_LIMIT": "1000",
        **variables,
    }


def collect_static(env: dict[str, str]) -> Path:
    """`collectstatic` as the release step runs it; returns STATIC_ROOT."""
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"collectstatic failed:\n{result.stderr}")
    return Path(env["STATIC_ROOT"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Gunicorn:
    process: subprocess.Popen
    url: str
    log: Path

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_gunicorn(env: dict[str, str], log: Path, timeout: float = 60) -> Gunicorn:
    """gunicorn on a free loopback port, as the Procfile's `web` runs it; returns once /health/ answers 200."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    env = {**env, "SITE_URL": url}
    command = [sys.executable, "-m", "gunicorn", "mediature.wsgi", "--bind", f"{HOST}:{port}", "--workers", "2"]
    command += ["--access-logfile", "-", "--logger-class", "cases.citizen.gunicorn.RedactingLogger"]
    command += ["--graceful-timeout", "5"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = Gunicorn(process, url, log)
    try:
        wait_until_healthy(server, timeout)
    except BaseException:  # never leave a gunicorn behind, whatever stopped the wait
        server.stop()
        raise
    return server


def wait_until_healthy(server: Gunicorn, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.process.returncode}):\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/health/", timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:  # refused, reset or timed out while gunicorn boots
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer /health/ within {timeout} s:\n{server.log_tail()}")
