"""Lookups by name, email and words are served by indexes at national scale (issue #10), checked with EXPLAIN.

PostgreSQL only. The tables get enough rows (and ANALYZE) for the planner to read
them whole if no index served the expression the ORM emits: a functional index on
UPPER(column) for the case-insensitive `__iexact` of similar cases, the GIN
indexes of the cases' search rows for words and close names.
"""

import random

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from authorities.models import Authority, Role
from cases.access import cases_for
from cases.models import Case, Citizen
from cases.privacy.subject import find_cases
from cases.search import reindex_cases, search_cases
from cases.workflow import similar_cases
from cases.workspace.index import SEARCH_COUNT_LIMIT, UnprocessedFirst
from cases.workspace.state import ListState, filtered_cases
from tests.factories import MembershipFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")

ROWS = 40_000
AUTHORITIES = 100
# The agent's authority is a big one (a quarter of the rows, like a large city): reading its rows by the
# authority alone is then far costlier than the GIN index of (authority, words), so the planner's choice
# does not hang on statistics sampling, as it did with 400 rows (CI once chose the plain authority index).
OWN_SHARE = 4
FIRST_NAMES = ["Camille", "Léa", "Hugo", "Louis", "Chloé", "Inès", "Jules", "Manon", "Nathan", "Sarah"]
TOPICS = ["facture d'eau", "stationnement", "crèche", "nuisances sonores", "permis de construire", "aide sociale"]
SCANNED_TABLES = [Case._meta.db_table, Citizen._meta.db_table, "cases_casesearch"]


@pytest.fixture
def national(db):
    """Cases and citizens over many authorities, indexed and analysed: the planner's view of a big table.

    The other authorities are written in bulk, without the page sections their creation builds one by one.
    """
    agent = MembershipFactory(role=Role.AGENT).user
    others = Authority.objects.bulk_create(
        Authority(name=f"Commune {n}", slug=f"commune-{n}") for n in range(1, AUTHORITIES)
    )
    authorities = [agent.memberships.get().authority, *others]
    rng = random.Random(10)
    cases = Case.objects.bulk_create(
        Case(
            authority=authorities[0] if n % OWN_SHARE == 0 else authorities[n % AUTHORITIES],
            description=f"Demande {n} : {rng.choice(TOPICS)}.",
        )
        for n in range(ROWS)
    )
    Citizen.objects.bulk_create(
        Citizen(case=case, first_name=rng.choice(FIRST_NAMES), last_name=f"Nom{n}", email=f"usager{n}@exemple.fr")
        for n, case in enumerate(cases)
    )
    reindex_cases(case.number for case in cases)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return agent, Case.objects.select_related("citizen").get(pk=cases[ROWS // 2].pk)


def plan(queryset) -> str:
    return queryset.explain()


def assert_no_sequential_scan(queryset) -> None:
    text = plan(queryset)
    for table in SCANNED_TABLES:
        assert f"Seq Scan on {table}" not in text, text


def test_similar_cases_use_the_upper_name_and_email_indexes(national):
    agent, case = national
    case.citizen.last_name = case.citizen.last_name.upper()  # as an agent may type it
    assert_no_sequential_scan(similar_cases(agent, case))
    assert "citizen_name_upper" in plan(similar_cases(agent, case))
    case.citizen.first_name, case.citizen.last_name = "X", "Y"
    assert "citizen_email_upper" in plan(similar_cases(agent, case))


def test_a_subject_request_finds_the_person_by_the_upper_email_and_name_indexes(national):
    agent, case = national
    authority_ids = [agent.memberships.get().authority_id]
    citizen = case.citizen
    by_email = find_cases(authority_ids, citizen.email.upper())
    by_name = find_cases(authority_ids, f"{citizen.first_name} {citizen.last_name.lower()}")
    for found, index in [(by_email, "citizen_email_upper"), (by_name, "citizen_name_upper")]:
        assert_no_sequential_scan(found)
        assert index in plan(found)
    assert list(by_name) == [case]


def test_the_search_reads_its_gin_indexes_with_the_authority(national):
    agent, _ = national
    authority_ids = [agent.memberships.get().authority_id]
    # Words, a name, an email and a misspelled name: one data set for all (building it takes seconds).
    for term in ["facture", "crèche refusée", "Nom16000", "usager16000@exemple.fr", "Nomm1600"]:
        found = search_cases(cases_for(agent).with_unprocessed_count(), term, authority_ids)
        assert_no_sequential_scan(found.order_by("due_date", "-number")[:50])
        assert_no_sequential_scan(found.order_by()[: SEARCH_COUNT_LIMIT + 1])
    # The scope is read from the GIN index: the authority, typed as the column (`'796'::bigint`), is an index
    # condition (with the words or alone, as the planner sees fit for a common word), never a row filter.
    words = plan(search_cases(cases_for(agent), "facture", authority_ids))
    index_conditions = [line for line in words.splitlines() if "Index Cond:" in line]
    assert any("authority_id = '" in line for line in index_conditions), words
    assert "case_search_document" in words


def test_a_deep_page_of_the_case_index_is_read_along_its_order_index(national):
    """The default list (open cases, messages to process first) and the one sorted by due date."""
    agent, _ = national
    cases = filtered_cases(agent, ListState())
    # At this test's size the planner may still prefer sorting the authority's 10,000 rows; with sorting
    # priced out, the plan shows whether an index gives the order (without one, a Sort remains).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
    by_due_date = filtered_cases(agent, ListState(tri="echeance")).values("pk")[5_000:5_050]
    for part in [*UnprocessedFirst(cases, flagged=0).page_numbers(5_000, 5_050), by_due_date]:
        text = plan(part)
        assert "case_authority_due_order" in text, text
        assert "Sort" not in text, text


def test_sign_in_and_password_reset_find_the_member_by_an_indexed_address(db):
    User = get_user_model()
    User.objects.bulk_create(User(email=f"agent{n}@mairie{n % 100}.fr", password="!") for n in range(20_000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    lookup = User.objects.filter(email__iexact="Agent15000@Mairie0.fr")  # as UserManager.get_by_natural_key
    assert "Seq Scan" not in plan(lookup), plan(lookup)
    assert "user_email_upper" in plan(lookup)
