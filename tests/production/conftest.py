"""Production lane: the platform as deployed (DEBUG off, gunicorn, WhiteNoise, collected static files) in Chromium.

How it runs, once per session: `production_static` runs collectstatic with the production storage into a
temporary STATIC_ROOT; `production_server` starts gunicorn on `mediature.settings` (DEBUG off, SECRET_KEY
and the rest from its environment: tests/production/server.py) on a free loopback port, against
pytest-django's PostgreSQL test database, and stops it at the end of the session. It runs inside
`make test` (testpaths = tests); the browser is the `browser` fixture shared with tests/e2e.

Adding a journey: write tests/production/test_<journey>.py and take `page`, a fresh Chromium context on
the server (`page.goto("/demo/")`), with the usual fixtures (authority, agent… of tests/conftest.py).
The database is transactional here: what the test creates is committed, so gunicorn sees it, and is
flushed after the test. `page` fails the test at teardown on any console or script error, refused
resource (CSP, integrity, network) or answer of status 400 or more: call
`page.watch.expect_status(path, 404)` before meeting one on purpose. After each navigation, call
`assert_public_page_styled(page)` or `assert_admin_page_styled(page)` (tests/production/watch.py).
Tests that only need the collected files (no server, no database) take `production_static`.

Prerequisites: Chromium and PostgreSQL (DATABASE_URL): gunicorn is another process and cannot open
pytest's in-memory SQLite test database. Locally, a missing one skips the journeys; in CI it fails.
"""

import os
from pathlib import Path

import pytest

from tests.production.server import Gunicorn, collect_static, database_url, production_env, start_gunicorn
from tests.production.watch import ProblemWatch

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop here


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI runs the production lane, never skips it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def production_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("production")


@pytest.fixture(scope="session")
def production_environment(production_dir) -> dict[str, str]:
    return production_env(production_dir)


@pytest.fixture(scope="session")
def production_static(production_environment) -> Path:
    """STATIC_ROOT filled by collectstatic with the production storage, once per session."""
    return collect_static(production_environment)


@pytest.fixture(scope="session")
def production_server(request, production_environment, production_dir, django_db_setup) -> Gunicorn:
    from django.db import connection

    require(
        connection.vendor == "postgresql",
        "the production lane needs PostgreSQL (DATABASE_URL): gunicorn cannot open the in-memory SQLite test database",
    )
    request.getfixturevalue("production_static")  # collected only once the lane can run
    env = {**production_environment, "DATABASE_URL": database_url(connection.settings_dict)}
    server = start_gunicorn(env, production_dir / "gunicorn.log")
    yield server
    server.stop()  # before pytest-django drops the test database


@pytest.fixture
def page(browser, production_server, transactional_db):
    context = browser.new_context(base_url=production_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.watch = ProblemWatch()
    page.watch.listen(page)
    yield page
    context.close()
    problems = "\n".join(page.watch.problems)
    assert not problems, f"{problems}\n--- gunicorn ---\n{production_server.log_tail()}"
