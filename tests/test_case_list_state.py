"""The case index's URL state (cases/workspace/state.py): parsing, canonical query strings, previous / next."""

import pytest
from django.http import QueryDict

from cases.choices import Status
from cases.views.neighbours import neighbours
from cases.workspace.state import ListState, list_and_order
from tests.factories import CaseFactory


def test_defaults_are_open_cases_in_the_default_order():
    state = ListState.from_query("")
    assert state.etat == "ouverts" and state.default_order and not state.narrowed
    assert state.query_string() == ""


def test_malformed_values_are_ignored():
    state = ListState.from_query("etat=x&avancement=nope&domaine=abc&mediateur=-3&tri=password&collectivite=0")
    assert state == ListState()


def test_query_string_is_canonical_and_keeps_filters_and_sort():
    state = ListState.from_query(QueryDict("tri=-echeance&mediateur=moi&avancement=to_process&p=3"))
    assert state.query_string() == "avancement=to_process&mediateur=moi&tri=-echeance"
    assert ListState.from_query(state.query_string()) == state
    assert state.query_string(p=2).endswith("&p=2")
    assert state.query_string(tri="") == "avancement=to_process&mediateur=moi"


def test_legacy_parameters_still_read():
    assert ListState.from_query("vue=non-assignes").mediateur == "aucun"
    assert ListState.from_query("vue=mes-dossiers").mediateur == "moi"
    former = ListState.from_query("status__exact=to_process&channel__exact=phone")
    assert former.query_string() == "avancement=to_process&saisine=phone"


def test_sort_link_goes_ascending_then_descending():
    state = ListState()
    url, current = state.sort_link("echeance")
    assert current is None and url.endswith("?tri=echeance")
    url, current = ListState(tri="echeance").sort_link("echeance")
    assert current == "ascending" and url.endswith("?tri=-echeance")


def ordered(user, query: str) -> list[int]:
    cases, order = list_and_order(user, query)
    return list(cases.order_by(*order).values_list("number", flat=True))


@pytest.mark.django_db
def test_the_list_and_its_order_follow_the_state(agent, authority, other_authority):
    cases = CaseFactory.create_batch(4, authority=authority)
    CaseFactory(authority=other_authority)
    CaseFactory(authority=authority, status=Status.CLOSED, closed_at="2026-01-02T10:00Z", outcome="partial")
    numbers = sorted((case.number for case in cases), reverse=True)
    assert ordered(agent, "") == numbers  # open only, newest first
    assert ordered(agent, "tri=numero") == sorted(numbers)
    assert len(ordered(agent, "etat=tous")) == 5


@pytest.mark.django_db
def test_the_case_page_neighbours_follow_the_list_of_the_link(agent, authority):
    """The window of cases/views/neighbours.py over the index's list and order (`liste` of the row link)."""
    cases = CaseFactory.create_batch(3, authority=authority, assignee=agent)
    mine_ascending = "mediateur=moi&tri=numero"
    first, middle, last = (case.number for case in cases)
    found = neighbours(agent, cases[1], mine_ascending)
    assert (found.previous, found.next) == (first, last)
    assert found.next_url.endswith("?liste=mediateur%3Dmoi%26tri%3Dnumero")
    found = neighbours(agent, cases[1], "")  # the default: newest first
    assert (found.previous, found.next) == (last, first)
