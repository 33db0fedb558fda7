"""The agents' read pages cost a fixed, small number of queries (issue #10, item 4).

An agent signs in with the test client and opens each page with few rows (3 cases,
one note, one message) and with many (60 cases, a case with 30 notes, messages and
events): the number of queries must be the same, and within the budget. Each page
is opened once before counting, as a warm process would have (content types).

What the budget holds, beyond the page's own data: the session (none with Redis: sessions are then
read from the cache), the user with Wagtail's profile of it (admin language, time zone) and whether it
is a platform admin and has a confirmed two-factor device (authorities.auth.AccountBackend), its own and
its groups' model permissions (one query), Wagtail's locales (the admin's JavaScript configuration) and
the page and collection permissions of the sidebar (explorer, images, documents); then ours: the user's
memberships with their authorities, read once (they also give the user's role on a case). django-dsfr's
site configuration is read only by the public pages that show it (pages/context_processors.py).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from authorities.models import Role
from cases.models import Case, Citizen, Domain
from cases.search import reindex_cases
from tests.conftest import member_of
from tests.factories import CaseFactory
from tests.workspace_factories import (
    MessageFactory,
    fast_passwords,  # noqa: F401
    fill_case_page,
)

INDEX = "/admin/dossiers/"
DASHBOARD = "/admin/"
SUBJECT_REQUESTS = "/admin/dossiers/demandes-rgpd/?q=Dupont"
# Django, Wagtail and django-otp's own queries of every admin page (see the module's docstring), and ours.
FRAMEWORK = 6
WORKSPACE = 1
# The page's own data; a search and the case page also write their audit-log row (cases/audit/: one
# statement on PostgreSQL, the chain's head and the row together; on SQLite three, inside a savepoint whose
# opening and release count too).
AUDIT_ROW = 1 if connection.vendor == "postgresql" else 5
# The index (cases/workspace/index.py): the saved views, the tabs' bounded counts (one query for all), the
# list's count, the page's rows, their newest events' authors, the domain and agent filters' choices; a sorted
# list reads the page's case numbers before its rows; a search counts up to 1 000 and writes its audit row.
INDEX_DATA = {"list": 7, "sorted": 8, "search": 8 + AUDIT_ROW}
# Totals and rows of the three case panels, and the referrals waiting for the user's authorities (one query).
DASHBOARD_DATA = 5
# The case, its message links, documents (message files included), notes, events, similar cases, its previous /
# next in the list (one window query), the citizen's online follow-up (cases/citizen/: last visit and keys in
# service, one aggregate), the user's drafts of the case (cases/drafts/) and the audit row of the case opened.
CASE_PAGE_DATA = 9 + AUDIT_ROW
# A subject request's results: their count, their page, the audit row of the search.
SUBJECT_REQUESTS_DATA = 2 + AUDIT_ROW


def add_cases(authority, agent, count: int) -> None:
    """Cases of every kind a row shows: assigned to the agent or not, due or not, some with messages to process."""
    today = timezone.localdate()
    for n in range(count):
        case = CaseFactory(
            authority=authority,
            assignee=agent if n % 2 else None,
            due_date=today + datetime.timedelta(days=n % 5 - 2) if n % 3 else None,
        )
        if n % 4 == 0:
            MessageFactory(cases=[case])
    Citizen.objects.filter(case__authority=authority).update(last_name="Dupont")
    reindex_cases(Case.objects.values_list("number", flat=True))


def queries(client, url: str) -> list[str]:
    client.get(url)  # warm the process: content types, the admin's lazily built parts
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured]


def assert_same_within(few: list[str], many: list[str], budget: int) -> None:
    listing = "\n".join(sql[:200] for sql in many)
    assert len(many) == len(few), listing
    assert len(many) <= budget, listing


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.mark.parametrize(
    ("params", "kind"),
    [
        ("", "list"),
        ("?mediateur=moi", "list"),
        ("?mediateur=aucun", "list"),
        ("?etat=tous", "list"),
        ("?mediateur=moi&etat=tous&tri=echeance", "sorted"),
        ("?tri=-activite", "sorted"),
        ("?tri=a-traiter&avancement=to_process", "sorted"),
        ("?q=Dupont", "search"),
    ],
)
def test_case_index(agent_client, authority, agent, params, kind):
    add_cases(authority, agent, 3)
    few = queries(agent_client, INDEX + params)
    add_cases(authority, agent, 57)
    many = queries(agent_client, INDEX + params)
    assert_same_within(few, many, FRAMEWORK + WORKSPACE + INDEX_DATA[kind])


def test_deep_page_of_the_index(agent_client, authority, agent):
    add_cases(authority, agent, 3)
    first = queries(agent_client, INDEX)
    add_cases(authority, agent, 107)
    assert_same_within(first, queries(agent_client, INDEX + "?p=3"), FRAMEWORK + WORKSPACE + INDEX_DATA["list"])


def test_dashboard(agent_client, authority, agent):
    add_cases(authority, agent, 3)
    few = queries(agent_client, DASHBOARD)
    add_cases(authority, agent, 57)
    assert_same_within(few, queries(agent_client, DASHBOARD), FRAMEWORK + WORKSPACE + DASHBOARD_DATA)


def test_dashboard_with_referrals_waiting(agent_client, authority, agent, other_authority, other_agent):
    """The receiving authority's panel of proposals reads them in one query, whatever their number."""
    from cases.referral.service import propose

    def refer(count: int) -> None:
        for _ in range(count):
            case = CaseFactory(authority=other_authority, domain=Domain.objects.first())
            propose(other_agent, case, authority, reason="territory", note="Voirie", consent="email")

    refer(2)
    few = queries(agent_client, DASHBOARD)
    refer(13)
    many = queries(agent_client, DASHBOARD)
    assert_same_within(few, many, FRAMEWORK + WORKSPACE + DASHBOARD_DATA)


def test_case_page(agent_client, authority, agent):
    small, large = CaseFactory(authority=authority), CaseFactory(authority=authority)
    colleague = member_of(authority, Role.AGENT)
    fill_case_page(small, 1, colleague)
    fill_case_page(large, 30, colleague)
    few = queries(agent_client, f"{INDEX}{small.number}/")
    many = queries(agent_client, f"{INDEX}{large.number}/")
    assert_same_within(few, many, FRAMEWORK + WORKSPACE + CASE_PAGE_DATA)


def test_subject_requests_results(client, authority, main_agent, agent):
    """A person's cases found for a subject request (cases/privacy/): counted, one page of them, the search's
    audit row."""
    client.force_login(main_agent)
    add_cases(authority, agent, 3)
    few = queries(client, SUBJECT_REQUESTS)
    add_cases(authority, agent, 57)
    assert_same_within(few, queries(client, SUBJECT_REQUESTS), FRAMEWORK + WORKSPACE + SUBJECT_REQUESTS_DATA)
    assert "60 dossiers pour « Dupont »" in client.get(SUBJECT_REQUESTS).content.decode()
