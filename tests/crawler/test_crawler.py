"""A crawl of the whole site for each kind of user: nothing of another authority may show.

Each role is signed in with Django's test client and requests every URL pattern the project and
Wagtail register (filled with the ids of the other authority's objects, as is and with the search
word), then follows every same-site link of the answers, GET only, up to a bound. No answer, whatever
its status, may contain a marker planted in what the role must not see (tests/crawler/world.py):

- everyone but agents of the authority: its cases (citizen, notes, documents, messages);
- everyone but its editors and the platform admins: its draft pages, images and documents, its staff;
- everyone but superusers: the inbound emails (threaded or kept aside).
"""

import html
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from django.test import Client

from tests.crawler.urls import registered_urls
from tests.crawler.world import SEARCH_WORD, AuthorityWorld, add_referral, build_authority_world, kept_aside_email
from tests.factories import AuthorityFactory
from tests.test_case_access_matrix import sign_in
from tests.workspace_factories import fast_passwords  # noqa: F401

MAX_REQUESTS = 700
MAX_VARIANTS_PER_PATH = 3
# Files, signing out, and Wagtail's deliberate error page.
SKIPPED = re.compile(r"^/(static|media)/|/logout/|/admin/failwhale/")
# Where to go back after a form: the same page again for the crawl.
IGNORED_PARAMETERS = {"next"}
LINK = re.compile(r"""["'](?:https?://(?:testserver|localhost))?(/[^"'\s<>\\]*)["']""")


@dataclass(frozen=True)
class Role:
    name: str
    authority: str | None  # "a", "b" or None
    staff: str | None  # key of AuthorityWorld.staff, "platform_admin" or None (anonymous)


ROLES = [
    Role("platform_admin", None, "platform_admin"),
    Role("main_agent_a", "a", "main_agent"),
    Role("agent_a", "a", "agent"),
    Role("editor_a", "a", "editor"),
    Role("agent_b", "b", "agent"),
    Role("editor_b", "b", "editor"),
    Role("anonymous", None, None),
]


@pytest.fixture
def worlds(db, settings, tmp_path, platform_admin) -> dict[str, AuthorityWorld]:
    settings.MEDIA_ROOT = tmp_path
    worlds = {
        "a": build_authority_world(AuthorityFactory(name="Ville de Démo", slug="demo")),
        "b": build_authority_world(AuthorityFactory(name="Autre Ville", slug="autre")),
    }
    add_referral(worlds["a"], worlds["b"])
    add_referral(worlds["b"], worlds["a"])
    kept_aside = kept_aside_email()
    for world in worlds.values():
        world.ids["kept_aside"] = kept_aside.pk
    return worlds


def forbidden_markers(role: Role, worlds: dict[str, AuthorityWorld]) -> set[str]:
    markers = set()
    for key, world in worlds.items():
        own = role.authority == key
        if not (own and role.staff in ("agent", "main_agent")):
            markers |= world.case_markers
        if not (own or role.staff == "platform_admin"):
            markers |= world.content_markers | world.people_markers
            if role.staff in ("agent", "main_agent"):  # a proposal names its proposer to its receivers
                markers -= world.proposer_markers
        if role.staff != "platform_admin":
            markers |= world.inbound_markers
    if role.staff != "platform_admin":
        markers.add("KEPTASIDESUBJECT")
    return markers


def signed_in_client(role: Role, worlds: dict[str, AuthorityWorld], platform_admin) -> Client:
    client = Client(raise_request_exception=False)
    if role.staff == "platform_admin":
        sign_in(client, platform_admin)
    elif role.staff:
        sign_in(client, worlds[role.authority].staff[role.staff])
    return client


def seeds(role: Role, worlds: dict[str, AuthorityWorld]) -> list[str]:
    """The registered URLs filled with the other authority's ids (B's for roles of no authority); those that
    take no argument (listings, choosers, reports) also with the search word."""
    other = worlds["a" if role.authority == "b" else "b"]
    urls = ["/", "/admin/", other.authority.page.url]
    for url in registered_urls(other.ids):
        urls.append(url)
        if not any(character.isdigit() for character in url):
            urls.append(f"{url}{'&' if '?' in url else '?'}q={SEARCH_WORD}")
    return urls


def without_ignored_parameters(url: str) -> str:
    parts = urlsplit(url)
    query = urlencode([(key, value) for key, value in parse_qsl(parts.query) if key not in IGNORED_PARAMETERS])
    return urlunsplit(("", "", parts.path, query, ""))


def links(body: str) -> list[str]:
    return [without_ignored_parameters(html.unescape(match)) for match in LINK.findall(body)]


def content_of(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    return headers + "\n" + data.decode("utf-8", errors="replace")


def crawl(client: Client, start: list[str]) -> Iterator:
    """(url, status, content) of every page reached, breadth first, each URL once."""
    queue, seen, variants = deque(start), set(), {}
    while queue and len(seen) < MAX_REQUESTS:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or SKIPPED.search(path) or variants.get(path, 0) >= MAX_VARIANTS_PER_PATH:
            continue
        seen.add(url)
        variants[path] = variants.get(path, 0) + 1
        response = client.get(url)
        body = content_of(response)
        yield url, response.status_code, body
        if response.status_code in (301, 302):
            queue.append(response.headers["Location"])
        queue.extend(links(body))


@pytest.mark.parametrize("role", ROLES, ids=[role.name for role in ROLES])
def test_no_answer_shows_another_authoritys_data(worlds, platform_admin, role):
    markers = forbidden_markers(role, worlds)
    client = signed_in_client(role, worlds, platform_admin)
    leaks, errors = [], []
    for url, status, body in crawl(client, seeds(role, worlds)):
        lowered = body.lower()
        leaks += [f"{role.name} GET {url} ({status}) shows {m}" for m in sorted(markers) if m.lower() in lowered]
        if status >= 500:
            errors.append(f"{role.name} GET {url} ({status})")
    assert not leaks, "\n".join(leaks)
    assert not errors, "\n".join(errors)
