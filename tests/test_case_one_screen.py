"""The case on one screen (issue 11, item 4): one chronological thread with each item once and its composers,
the facts in a side column saved together, previous / next case of the list, and a constant query count."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from authorities.models import Role
from cases import workflow
from cases.choices import Status
from cases.models import Case, CaseEvent, Message, MessageCase
from tests.conftest import member_of
from tests.factories import CaseFactory
from tests.workspace_factories import (
    AttachmentFactory,
    MessageFactory,
    NoteFactory,
    fast_passwords,  # noqa: F401
    fill_case_page,
)


def url(name: str, case: Case) -> str:
    return reverse(f"case:{name}", args=[case.number])


def page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(url("detail", case))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def thread_of(content: str) -> str:
    return content[content.index('id="fil-section"') : content.index('class="case-side"')]


def at(moment: datetime.datetime, model, pk: int) -> None:
    model.objects.filter(pk=pk).update(created_at=moment)


@pytest.fixture
def case(authority, agent):
    return CaseFactory(authority=authority, assignee=agent, citizen__email="lea@exemple.fr")


def test_the_thread_shows_each_item_once_newest_first(client, agent, case):
    """A message in, our answer, a note, a document and a status change: in the order they happened (newest
    first), each once; the events that only announce an item (« Message reçu », « Note ajoutée »…) left out."""
    start = timezone.now() - datetime.timedelta(hours=5)
    received = MessageFactory(cases=[case], subject="Ma facture", text="La facture est jointe.")
    at(start, Message, received.pk)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.MESSAGE_RECEIVED, data={"message": received.pk})
    sent = MessageFactory(cases=[case], direction=Message.Direction.OUT, status="sent", to=["lea@exemple.fr"])
    Message.objects.filter(pk=sent.pk).update(
        content_subject="Votre facture", created_at=start + datetime.timedelta(hours=1)
    )
    note = NoteFactory(case=case, author=agent, content="<p>Appel de Léa.</p>")
    at(start + datetime.timedelta(hours=2), type(note), note.pk)
    document = AttachmentFactory(case=case, name="releve.pdf")
    at(start + datetime.timedelta(hours=3), type(document), document.pk)
    workflow.change_status(agent, case, Status.CONTACT_REQUESTER)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE_ADDED, actor=agent)

    thread = thread_of(page(client, agent, case))
    ids = re.findall(r'<li class="case-thread-item[^"]*" id="([a-z]+-\d+)"', thread)
    status_event = case.events.get(kind=CaseEvent.Kind.STATUS_CHANGED)
    assert ids == [
        f"event-{status_event.pk}",
        f"document-{document.pk}",
        f"note-{note.pk}",
        f"message-{sent.pk}",
        f"message-{received.pk}",
    ]
    assert "Message reçu" not in thread and "Note ajoutée" not in thread
    assert thread.count("Répondre<span") == 1, "one reply button per received message, no duplicate"
    assert thread.count("Marquer comme traité") == 1


def test_composers_are_in_place_and_reply_to_the_message_to_process(client, agent, case):
    sent = MessageFactory(cases=[case], direction=Message.Direction.OUT, status="sent", message_id="<ours@x>")
    Message.objects.filter(pk=sent.pk).update(content_subject="Date de votre facture")
    received = MessageFactory(cases=[case], from_email="Léa <lea@exemple.fr>", subject="Re: Nouveau message")
    Message.objects.filter(pk=received.pk).update(in_reply_to="<ours@x>")
    content = page(client, agent, case)
    reply = content[content.index('id="composer-reply"') : content.index('id="composer-note"')]
    assert f'action="{url("message_compose", case)}?reply_to={received.pk}"' in reply
    assert 'value="lea@exemple.fr"' in reply
    assert 'value="Date de votre facture"' in reply, "the thread's subject, from our message it answers"
    assert f'action="{url("note_add", case)}"' in content and f'action="{url("document_upload", case)}"' in content
    assert "wagtailadmin/js/draftail.js" in content


def test_facts_are_saved_together(client, main_agent, authority, case):
    colleague = member_of(authority, Role.AGENT)
    due = timezone.localdate() + datetime.timedelta(days=7)
    client.force_login(main_agent)
    response = client.post(
        url("facts", case),
        {"status": Status.WAITING_FOR_ADMINISTRATION, "assignee": colleague.pk, "due_date": due.isoformat()},
    )
    assert response.status_code == 302 and response.url == url("detail", case)
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.assignee, saved.due_date) == (Status.WAITING_FOR_ADMINISTRATION, colleague, due)
    kinds = set(case.events.values_list("kind", flat=True))
    assert kinds == {CaseEvent.Kind.STATUS_CHANGED, CaseEvent.Kind.ASSIGNED, CaseEvent.Kind.UPDATED}


def test_a_refused_fact_saves_nothing_and_keeps_what_was_typed(client, agent, case):
    """The status is valid, the due date is in the past: nothing is saved (not even the status), and the page
    comes back with the error on the due date and the agent's choices still in the form."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client.force_login(agent)
    response = client.post(url("facts", case), {"status": Status.CONTACT_REQUESTER, "due_date": yesterday.isoformat()})
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "L'échéance ne peut pas être une date passée." in content
    assert '<option value="contact_requester" selected>' in content
    assert f'value="{yesterday.isoformat()}"' in content
    saved = Case.objects.get(pk=case.pk)
    assert (saved.status, saved.due_date) == (Status.TO_PROCESS, None)
    assert not case.events.exists()


def test_only_the_main_agent_chooses_the_assignee(client, agent, main_agent, authority, case):
    assert 'name="assignee"' not in page(client, agent, case)
    assert 'name="assignee"' in page(client, main_agent, case)
    colleague = member_of(authority, Role.AGENT)
    client.force_login(agent)
    client.post(url("facts", case), {"status": Status.TO_PROCESS, "assignee": colleague.pk})
    assert Case.objects.get(pk=case.pk).assignee == agent, "an agent's form has no assignee: ignored"


def test_previous_and_next_case_of_the_list(client, agent, authority):
    """The index's default order: messages to process first, then the due date, newest first."""
    today = timezone.localdate()
    first = CaseFactory(authority=authority, due_date=today + datetime.timedelta(days=9))
    MessageFactory(cases=[first])
    middle = CaseFactory(authority=authority, due_date=today + datetime.timedelta(days=1))
    last = CaseFactory(authority=authority)
    CaseFactory(authority=authority, status=Status.CLOSED, closed_at=timezone.now(), outcome="partial")
    content = page(client, agent, middle)
    assert f'href="{url("detail", first)}" class="button button-small button-secondary" data-case-previous' in content
    assert f'href="{url("detail", last)}" class="button button-small button-secondary" data-case-next' in content
    assert "data-case-previous" not in page(client, agent, first)
    assert "data-case-next" not in page(client, agent, last)
    kept = html.unescape(client.get(url("detail", middle) + "?liste=mediateur%3Daucun").content.decode())
    assert f'href="{url("detail", last)}?liste=mediateur%3Daucun"' in kept, "the list's state travels on"


def count_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("detail", case)).status_code == 200
    return len(queries)


def test_case_page_queries_do_not_grow_with_the_thread(client, authority, agent):
    short, long = CaseFactory(authority=authority), CaseFactory(authority=authority)
    colleague = member_of(authority, Role.AGENT)
    fill_case_page(short, 1, colleague)
    fill_case_page(long, 40, colleague)
    MessageCase.objects.filter(case=long).update(processed=True)
    client.force_login(agent)
    count_queries(client, short)  # warm the session and caches
    assert count_queries(client, short) == count_queries(client, long)


def test_headings_of_an_email_do_not_break_the_page_outline(client, agent, case):
    """Our automatic emails open with an <h1>: in the thread, under « Fil du dossier », it reads as bold text."""
    MessageFactory(cases=[case], html="<h1>Votre dossier est clôturé</h1><p>Bonjour</p>")
    thread = thread_of(page(client, agent, case))
    assert "<p><strong>Votre dossier est clôturé</strong></p><p>Bonjour</p>" in thread
    assert "<h1" not in thread


def test_the_keys_are_on_their_buttons_and_in_the_help_dialog(client, agent, authority):
    """Wagtail's w-kbd controller (never while typing in a field) on each button, our script a static file."""
    CaseFactory(authority=authority)
    case = CaseFactory(authority=authority)
    CaseFactory(authority=authority)
    content = page(client, agent, case)
    for key in "jkrna":
        assert f'data-controller="w-kbd" data-w-kbd-key-value="{key}"' in content, key
    assert "js/case-page.js" in content and "<script>" not in content.split("js/case-page.js")[1][:200]
    dialog = content[content.index('id="keyboard-shortcuts-dialog"') :]
    assert "Dossier suivant de la liste" in dialog and "M'attribuer le dossier" in dialog
