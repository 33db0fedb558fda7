"""What a production page must never show: refused resources, errors, a missing design.

`ProblemWatch` listens to a Playwright page for console errors, script errors, failed requests (CSP,
integrity, network) and any answer of status 400 or more; the `page` fixture of tests/production fails the
test at teardown when it heard any. The `assert_*_styled` checks tell a designed page from bare HTML.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Waits for the fonts in use, then reports the body's font and whether the DSFR's script ran
# (it marks <html data-fr-js="true"> once started).
PUBLIC_DESIGN = """async () => {
    await document.fonts.ready;
    return {
        bodyFont: getComputedStyle(document.body).fontFamily,
        loadedFonts: [...document.fonts].filter((font) => font.status === "loaded").map((font) => font.family),
        dsfrScript: document.documentElement.getAttribute("data-fr-js"),
    };
}"""

# Wagtail's admin stylesheet lays the page out on its sidebar; bare HTML leaves it in the flow.
ADMIN_DESIGN = """() => {
    const sidebar = document.querySelector(".sidebar");
    return {
        bodyFont: getComputedStyle(document.body).fontFamily,
        sidebarPosition: sidebar ? getComputedStyle(sidebar).position : null,
    };
}"""


@dataclass
class ProblemWatch:
    problems: list[str] = field(default_factory=list)
    expected: set[tuple[str, int]] = field(default_factory=set)
    downloads: set[str] = field(default_factory=set)

    def listen(self, page) -> None:
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("requestfailed", self.on_request_failed)
        page.on("response", self.on_response)

    def expect_status(self, path: str, status: int) -> None:
        """A journey that means to meet an error page (a 404, say) declares it first."""
        self.expected.add((path, status))

    def is_expected(self, url: str, status: int | None = None) -> bool:
        path = urlsplit(url).path
        return any(path == expected_path and status in (None, code) for expected_path, code in self.expected)

    def on_request_failed(self, request) -> None:
        """A refused resource is a problem; a script's fetch cut short because the test moved on is not.

        Wagtail's icons.js fetches the admin sprite; a click that navigates before it arrives aborts it
        (net::ERR_ABORTED). So does a navigation answered by a download (an attachment, seen first by
        `on_response`). A refusal (CSP, integrity, network) fails differently, and any other aborted
        navigation is still reported.
        """
        if request.failure == "net::ERR_ABORTED" and (
            not request.is_navigation_request() or request.url in self.downloads
        ):
            return
        self.problems.append(f"refused: {request.url} ({request.failure})")

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and self.is_expected(message.location.get("url", "")):
            return
        self.problems.append(f"console: {message.text} ({message.location.get('url', '')})")

    def on_response(self, response) -> None:
        if (response.headers.get("content-disposition") or "").startswith("attachment"):
            self.downloads.add(response.url)
        if response.status >= 400 and not self.is_expected(response.url, response.status):
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")


def assert_public_page_styled(page) -> None:
    """The DSFR really applies: its stylesheet (Marianne on the body, the font file served) and its script ran."""
    design = page.evaluate(PUBLIC_DESIGN)
    assert "Marianne" in design["bodyFont"], f"{page.url} sans la feuille de style du DSFR : {design}"
    assert "Marianne" in design["loadedFonts"], f"{page.url} sans la police Marianne : {design}"
    assert design["dsfrScript"] == "true", f"{page.url} sans le script du DSFR : {design}"


def assert_admin_page_styled(page) -> None:
    design = page.evaluate(ADMIN_DESIGN)
    assert design["sidebarPosition"] in {"fixed", "sticky"}, (
        f"{page.url} sans la feuille de style de Wagtail : {design}"
    )
