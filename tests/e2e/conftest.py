"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser), with axe-core.

Playwright's sync API runs an event loop in the test thread, so Django's
async-safety guard must be relaxed for the ORM calls the tests make. The `browser` fixture is in
tests/conftest.py, shared with tests/production/ (Playwright runs one sync instance per thread).
"""

import os
from pathlib import Path

import pytest

from tests.e2e.browser import AxeChecker

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    # A conftest's hook sees every collected test of the session: mark only those of this folder.
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe() -> AxeChecker:
    return AxeChecker()
