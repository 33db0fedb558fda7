"""The case index's URL state (cases/workspace/state.py): parsing, canonical query strings, previous / next."""

import pytest
from django.http import QueryDict

from cases.choices import Status
from cases.workspace.state import ListState, neighbours, ordered_cases
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


@pytest.mark.django_db
def test_ordered_cases_and_neighbours_follow_the_list(agent, authority, other_authority):
    cases = CaseFactory.create_batch(4, authority=authority)
    CaseFactory(authority=other_authority)
    CaseFactory(authority=authority, status=Status.CLOSED, closed_at="2026-01-02T10:00Z", outcome="partial")
    numbers = list(ordered_cases(agent, "").values_list("number", flat=True))
    assert numbers == sorted((case.number for case in cases), reverse=True)  # open only, newest first
    assert neighbours(agent, "", numbers[1], 1) == (numbers[0], numbers[2])
    assert neighbours(agent, "", numbers[0], 0) == (None, numbers[1])
    assert neighbours(agent, "", numbers[3], 3) == (numbers[2], None)


@pytest.mark.django_db
def test_neighbours_of_a_case_that_left_the_list(agent, authority):
    cases = CaseFactory.create_batch(3, authority=authority)
    numbers = list(ordered_cases(agent, "mediateur=aucun").values_list("number", flat=True))
    middle = cases[1]
    middle.assignee = agent
    middle.save()
    assert numbers[1] == middle.number
    assert neighbours(agent, "mediateur=aucun", middle.number, 1) == (numbers[0], numbers[2])
    assert neighbours(agent, "", middle.number, None) == (None, None)
