"""Case search in the index: case number, or full text over citizen, description, notes and messages.

Issue #3 (the search), issue #10 (national scale: the cases' own search rows, accents, trigrams,
bounded count). On SQLite the search is a plain `icontains`: what needs PostgreSQL is marked.
"""

import datetime
import uuid
from email.message import EmailMessage

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.choices import NoteKind
from cases.mail.messenger import send_case_message
from cases.models import Case, CaseSearch, Message, MessageCase, Note
from cases.notes import add_note
from cases.search import Reindex, case_number_query, reindex_cases, search_cases
from cases.workspace.index import SEARCH_COUNT_LIMIT
from tests.factories import CaseFactory
from tests.mailbox import pipe

INDEX_URL = "/admin/dossiers/"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemming, accents and trigrams are PostgreSQL's"
)


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


@postgresql_only
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
    assert found(client, agent, "facture", mediateur="moi") == {mine.number}
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


@postgresql_only
def test_accents_are_ignored_both_ways(client, agent, authority, committed):
    with committed():
        towed = CaseFactory(authority=authority, description="Mon véhicule a été mis en fourrière.")
        towed.citizen.first_name, towed.citizen.last_name = "Hélène", "Lefèvre"
        towed.citizen.save()
        plain = CaseFactory(authority=authority, description="La fourriere municipale est fermee le samedi.")
    assert found(client, agent, "fourriere") == {towed.number, plain.number}
    assert found(client, agent, "fourrière fermée") == {plain.number}
    assert found(client, agent, "helene lefevre") == {towed.number}


@postgresql_only
@pytest.mark.parametrize("term", ["Fourq", "fourquemen", "Fourquemin Camile", "c.fourq"])
def test_partial_and_misspelled_names_and_emails_are_found(client, agent, authority, committed, term):
    with committed():
        case = CaseFactory(
            authority=authority,
            citizen__first_name="Camille",
            citizen__last_name="Fourquemin",
            citizen__email="c.fourquemin@exemple.fr",
        )
        CaseFactory(authority=authority, citizen__first_name="Paul", citizen__last_name="Martin")
    assert found(client, agent, term) == {case.number}


@postgresql_only
def test_close_names_stay_within_the_user_authorities(client, agent, other_agent, other_authority, committed):
    with committed():
        theirs = CaseFactory(authority=other_authority, citizen__last_name="Fourquemin")
    assert found(client, agent, "Fourquemen") == set()
    assert found(client, other_agent, "Fourquemen") == {theirs.number}


def test_a_note_an_agent_message_and_an_inbound_reply_are_found_right_after_commit(
    client, agent, authority, committed, mail_settings
):
    with committed():
        case = CaseFactory(authority=authority, citizen__email="camille@exemple.fr")
    with committed():
        add_note(agent, case, date=datetime.date(2026, 3, 2), kind=NoteKind.NOTE, content="<p>Rappeler le syndic</p>")
    assert found(client, agent, "syndic") == {case.number}
    with committed():
        send_case_message(case, agent, ["camille@exemple.fr"], [], "Votre dossier", "<p>Le cadastre confirme.</p>")
    assert found(client, agent, "cadastre") == {case.number}
    reply = EmailMessage()
    reply["From"], reply["To"], reply["Subject"] = "camille@exemple.fr", case.reply_address, "Re: Votre dossier"
    reply["Message-ID"] = f"<{uuid.uuid4()}@exemple.fr>"
    reply.set_content("Je joins le bail emphytéotique signé.")
    with committed():
        pipe(reply.as_bytes())
    assert found(client, agent, "emphytéotique") == {case.number}


def many_cases(authority, count: int) -> None:
    """Cases written in bulk (no citizen: the search joins it optionally), indexed as seed_demo does."""
    cases = Case.objects.bulk_create(
        Case(authority=authority, description="Facture d'eau contestée") for _ in range(count)
    )
    reindex_cases(case.number for case in cases)


def test_a_large_search_is_counted_up_to_a_thousand(client, agent, authority):
    many_cases(authority, SEARCH_COUNT_LIMIT + 1)
    client.force_login(agent)
    response = client.get(INDEX_URL, {"q": "facture"})
    assert "Plus de 1\N{NO-BREAK SPACE}000 résultats" in response.content.decode()
    assert response.context["paginator"].num_pages == SEARCH_COUNT_LIMIT // 50
    assert len(response.context["object_list"]) == 50


def test_a_search_under_the_limit_tells_its_exact_count(client, agent, authority):
    many_cases(authority, 3)
    client.force_login(agent)
    assert "3 dossiers" in client.get(INDEX_URL, {"q": "facture"}).content.decode()


def test_the_search_page_runs_the_search_once_for_the_count_and_once_for_the_page(client, agent, authority):
    many_cases(authority, 60)
    client.force_login(agent)
    client.get(INDEX_URL, {"q": "facture"})  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INDEX_URL, {"q": "facture", "p": "2"}).status_code == 200
    searches = [query["sql"] for query in queries if "facture" in query["sql"].lower() or "LIKE" in query["sql"]]
    assert len(searches) == 2, searches
    assert f"LIMIT {SEARCH_COUNT_LIMIT + 1}" in searches[0]


@postgresql_only
def test_cases_are_no_longer_in_wagtails_search_index(db, committed):
    from wagtail.search.models import IndexEntry

    with committed():
        case = CaseFactory(description="Nuisances sonores de la salle des fêtes.")
    assert CaseSearch.objects.filter(case=case).exists()
    assert not IndexEntry.objects.filter(content_type__model="case").exists()


@postgresql_only
def test_cases_holding_the_words_come_before_those_with_a_close_name(client, agent, authority, committed):
    with committed():
        exact = CaseFactory(authority=authority, citizen__last_name="Martin")
        close = CaseFactory(authority=authority, citizen__last_name="Martinot")
    client.force_login(agent)
    numbers = [case.number for case in client.get(INDEX_URL, {"q": "Martin"}).context["object_list"]]
    assert numbers == [exact.number, close.number]  # the newer close name would come first in the index order
