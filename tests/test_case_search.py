"""Case search in the index: case number, or full text over citizen, description, notes and messages (issue #3)."""

import datetime
import uuid

import pytest
from django.db import transaction

from cases.models import Case, Message, MessageCase, Note
from cases.search import Reindex, case_number_query, search_cases
from tests.factories import CaseFactory

INDEX_URL = "/admin/dossiers/"


def found(client, user, query, **params) -> set[int]:
    client.force_login(user)
    response = client.get(INDEX_URL, {"q": query, **params})
    assert response.status_code == 200
    return {case.number for case in response.context["object_list"]}


@pytest.fixture
def cases(authority, committed):
    with committed():
        first = CaseFactory(authority=authority, description="Ma facture d'eau est trop élevée.")
        second = CaseFactory(authority=authority, description="Problème de stationnement devant l'école.")
        first.citizen.first_name, first.citizen.last_name, first.citizen.email = "Léa", "Zanetti", "lea.z@exemple.fr"
        first.citizen.save()
    return first, second


@pytest.mark.parametrize(
    ("term", "number"), [("42", 42), (" n°42 ", 42), ("#42", 42), ("42a", None), ("facture", None), ("", None)]
)
def test_number_queries(term, number):
    assert case_number_query(term) == number


def test_number_matches_the_case_number_exactly(client, agent, cases):
    first, second = cases
    assert found(client, agent, str(first.number)) == {first.number}
    assert found(client, agent, f"n°{second.number}") == {second.number}


def test_citizen_names_and_email(client, agent, cases):
    first, _ = cases
    assert found(client, agent, "Zanetti") == {first.number}
    assert found(client, agent, "Léa Zanetti") == {first.number}
    assert found(client, agent, "lea.z@exemple.fr") == {first.number}


def test_description_with_french_stemming(client, agent, cases):
    first, second = cases
    assert found(client, agent, "factures") == {first.number}
    assert found(client, agent, "stationnement école") == {second.number}
    assert found(client, agent, "facture stationnement") == set()  # every word is required


def test_notes_are_searched_as_soon_as_written(client, agent, cases, committed):
    _, second = cases
    with committed():
        note = Note.objects.create(
            case=second, date=datetime.date(2025, 1, 6), content="<p>Rendez-vous avec le syndic</p>"
        )
    assert found(client, agent, "syndic") == {second.number}
    note.content = "<p>Appel du bailleur</p>"
    with committed():
        note.save()
    assert found(client, agent, "syndic") == set()
    assert found(client, agent, "bailleur") == {second.number}
    with committed():
        note.delete()
    assert found(client, agent, "bailleur") == set()


def test_messages_subject_and_text(client, agent, cases, committed):
    first, _ = cases
    message = Message.objects.create(
        direction="in",
        status="received",
        from_email="lea.z@exemple.fr",
        message_id=f"<{uuid.uuid4()}@x>",
        subject="Relance compteur",
        text="Je vous envoie la photo du compteur divisionnaire.",
    )
    with committed():
        MessageCase.objects.create(message=message, case=first, processed=False)
    assert found(client, agent, "relance") == {first.number}
    assert found(client, agent, "divisionnaire") == {first.number}


def test_citizen_changes_are_searched(client, agent, cases, committed):
    first, _ = cases
    first.citizen.last_name = "Quintard"
    with committed():
        first.citizen.save()
    assert found(client, agent, "Quintard") == {first.number}
    assert found(client, agent, "Zanetti") == set()


def test_search_stays_within_the_user_authorities(client, agent, other_agent, cases, other_authority, committed):
    first, _ = cases
    with committed():
        theirs = CaseFactory(authority=other_authority, description="Une autre facture d'eau.")
    assert found(client, agent, "facture") == {first.number}
    assert found(client, other_agent, "facture") == {theirs.number}
    assert found(client, agent, str(theirs.number)) == set()
    assert found(client, other_agent, "Zanetti") == set()


def test_search_combines_with_filters_and_keeps_the_index_order(client, agent, cases, authority, committed):
    first, _ = cases
    with committed():
        mine = CaseFactory(authority=authority, assignee=agent, description="Autre facture contestée.")
    assert found(client, agent, "facture", vue="mes-dossiers") == {mine.number}
    client.force_login(agent)
    numbers = [case.number for case in client.get(INDEX_URL, {"q": "facture"}).context["object_list"]]
    assert numbers == [mine.number, first.number]  # newest first, as without a search


def test_search_cases_on_an_empty_term_returns_the_queryset(cases):
    from cases.models import Case

    queryset = Case.objects.all()
    assert search_cases(queryset, "  ", []) is queryset


def test_related_changes_in_one_transaction_reindex_the_case_once_after_commit(
    db, committed, django_capture_on_commit_callbacks
):
    with committed():
        case = CaseFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        case.citizen.last_name = "Zébulon"
        case.citizen.save()
        Note.objects.create(case=case, date=datetime.date(2026, 3, 2), content="<p>Piscine municipale fermée.</p>")
    assert [callback.number for callback in callbacks if isinstance(callback, Reindex)] == [case.number]
    assert list(search_cases(Case.objects.all(), "piscine zébulon", [case.authority_id])) == [case]
