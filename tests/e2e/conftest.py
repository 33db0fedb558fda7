"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser), with axe-core.

Playwright's sync API runs an event loop in the test thread, so Django's
async-safety guard must be relaxed for the ORM calls the tests make. The `browser` fixture is in
tests/conftest.py, shared with tests/production/ (Playwright runs one sync instance per thread).
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

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


# Resolves when every finite CSS animation or transition on the page has finished (infinite ones are skipped).
SETTLE_ANIMATIONS = """Promise.all(
    document.getAnimations()
        .filter((animation) => animation.effect && animation.effect.getTiming().iterations !== Infinity)
        .map((animation) => animation.finished.catch(() => null))
)"""


class AxeChecker:
    def __init__(self) -> None:
        self.axe = Axe()

    def assert_no_violations(self, page) -> None:
        # Judge the page as people see it once settled, not halfway through a fade-in (colour contrast).
        page.evaluate(SETTLE_ANIMATIONS)
        results = self.axe.run(page)
        assert results.violations_count == 0, f"axe-core sur {page.url} :\n{results.generate_report()}"


@pytest.fixture(scope="session")
def axe() -> AxeChecker:
    return AxeChecker()
