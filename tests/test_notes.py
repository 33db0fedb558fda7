"""Notes of a case (issue #3 §5): add, edit, delete; a date, a kind and sanitised rich text."""

import datetime
import html

import pytest
from django.urls import reverse

from cases.choices import NoteKind
from cases.models import Note
from cases.notes import as_text, sanitise
from tests.factories import CaseFactory
from tests.workspace_factories import NoteFactory, fast_passwords  # noqa: F401


@pytest.fixture
def case(authority):
    return CaseFactory(authority=authority)


def url(name: str, case, **kwargs) -> str:
    return reverse(f"case:{name}", kwargs={"number": case.number, **kwargs})


def test_agent_adds_a_phone_call_note(client, agent, case):
    client.force_login(agent)
    assert "Date de la note" in client.get(url("note_add", case)).content.decode()
    response = client.post(
        url("note_add", case),
        {"date": "2026-03-02", "kind": NoteKind.PHONE_CALL, "content": "Appel de Mme Dupont.\n\nElle rappellera."},
    )
    assert response.url == url("detail", case) + "#notes-section"
    note = Note.objects.get(case=case)
    assert (note.date, note.kind, note.author) == (datetime.date(2026, 3, 2), NoteKind.PHONE_CALL, agent)
    assert note.content == "<p>Appel de Mme Dupont.</p><p>Elle rappellera.</p>"
    page = html.unescape(client.get(url("detail", case)).content.decode())
    assert 'id="notes-section"' in page, "the redirect's anchor exists on the case page"
    assert "Appel téléphonique du 02/03/2026" in page
    assert "<p>Appel de Mme Dupont.</p>" in page


def test_html_is_sanitised_on_save(client, agent, case):
    client.force_login(agent)
    dirty = (
        '<p onclick="x()">Rendez-vous <strong>confirmé</strong><script>alert(1)</script></p>'
        '<ul><li><a href="javascript:alert(1)">piège</a></li><li><a href="https://service-public.fr">lien</a></li></ul>'
        '<img src="https://pistage.example/x.png"><iframe src="https://x"></iframe>'
    )
    client.post(url("note_add", case), {"date": "2026-03-02", "kind": NoteKind.MEETING, "content": dirty})
    content = Note.objects.get(case=case).content
    assert "<strong>confirmé</strong>" in content
    assert '<a href="https://service-public.fr" rel="noopener noreferrer nofollow">lien</a>' in content
    for forbidden in ("script", "onclick", "javascript:", "<img", "iframe", "alert"):
        assert forbidden not in content
    page = client.get(url("detail", case)).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_plain_text_is_escaped_not_interpreted(client, agent, case):
    assert sanitise("a < b & c") == "<p>a &lt; b &amp; c</p>"
    assert sanitise("ligne 1\nligne 2") == "<p>ligne 1<br>ligne 2</p>"
    assert as_text("<p>un</p><ul><li>deux</li></ul>") == "un\ndeux"


@pytest.mark.parametrize("content", ["", "   ", "<p></p>", "<script>alert(1)</script>"])
def test_an_empty_note_is_refused(client, agent, case, content):
    client.force_login(agent)
    response = client.post(url("note_add", case), {"date": "2026-03-02", "kind": NoteKind.NOTE, "content": content})
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Champ requis." in body or "La note est vide : écrivez son contenu." in body
    assert not Note.objects.exists()


def test_missing_date_and_unknown_kind_are_refused(client, agent, case):
    client.force_login(agent)
    response = client.post(url("note_add", case), {"date": "", "kind": "autre", "content": "x"})
    assert response.status_code == 200
    assert not Note.objects.exists()


def test_any_agent_edits_a_note(client, agent, main_agent, case):
    note = NoteFactory(case=case, author=main_agent)
    client.force_login(agent)
    assert "Appel du requérant" in client.get(url("note_edit", case, note_pk=note.pk)).content.decode()
    client.post(
        url("note_edit", case, note_pk=note.pk), {"date": "2026-01-05", "kind": NoteKind.MEETING, "content": "Revu"}
    )
    note.refresh_from_db()
    assert (note.date, note.kind, note.content) == (datetime.date(2026, 1, 5), NoteKind.MEETING, "<p>Revu</p>")


def test_delete_asks_then_deletes(client, agent, case):
    note = NoteFactory(case=case)
    client.force_login(agent)
    assert "Oui, supprimer la note" in client.get(url("note_delete", case, note_pk=note.pk)).content.decode()
    assert Note.objects.filter(pk=note.pk).exists()
    response = client.post(url("note_delete", case, note_pk=note.pk))
    assert response.url == url("detail", case) + "#notes-section"
    assert not Note.objects.filter(pk=note.pk).exists()


def test_a_note_of_another_case_is_404_even_in_the_same_authority(client, agent, authority, case):
    other = NoteFactory(case=CaseFactory(authority=authority))
    client.force_login(agent)
    for name in ("note_edit", "note_delete"):
        assert client.get(url(name, case, note_pk=other.pk)).status_code == 404
        assert client.post(url(name, case, note_pk=other.pk), {"content": "x"}).status_code == 404
    assert Note.objects.filter(pk=other.pk).exists()
