"""`manage.py rebuild_case_search`: every case's search row rewritten, range by range of case numbers."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases.models import Case, CaseSearch
from cases.search import search_cases
from tests.factories import CaseFactory
from tests.workspace_factories import NoteFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no search rows")


def rebuild(*args: str) -> str:
    out = io.StringIO()
    call_command("rebuild_case_search", *args, stdout=out)
    return out.getvalue()


def test_lost_and_stale_rows_are_rewritten_by_ranges(authority):
    cases = CaseFactory.create_batch(5, authority=authority, citizen__last_name="Fourrière")
    NoteFactory(case=cases[0], content="<p>Appel au sujet du stationnement.</p>")
    CaseSearch.objects.filter(case__in=cases[:3]).delete()  # lost, as after a partial restore
    CaseSearch.objects.filter(case=cases[3]).update(names="", document="")  # stale

    output = rebuild("--batch-size", "2")

    assert CaseSearch.objects.filter(case__in=cases).count() == 5
    found = search_cases(Case.objects.all(), "fourriere", [authority.pk])
    assert set(found) == set(cases)
    assert list(search_cases(Case.objects.all(), "stationnement", [authority.pk])) == [cases[0]]
    first, last = min(case.number for case in cases), max(case.number for case in cases)
    ranges = len(range(first, last + 1, 2))
    assert output.count("recherche réécrite") == ranges
    assert f"n°{last} sur {last}" in output
    assert f"({ranges} tranche(s))" in output


def test_each_range_is_one_statement_whatever_its_cases(authority, django_assert_num_queries):
    CaseFactory.create_batch(6, authority=authority)
    with django_assert_num_queries(1 + 2):  # the bounds of the case numbers, then one statement per range
        rebuild("--batch-size", "3")


def test_no_case_nothing_to_do(db):
    assert "(0 tranche(s))" in rebuild()


def test_batch_size_must_be_positive(db):
    with pytest.raises(CommandError, match="entier positif"):
        rebuild("--batch-size", "0")
