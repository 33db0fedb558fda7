"""Notes of a case (issue #3 §5): add, edit, delete; a date, a kind and sanitised rich text (Draftail)."""

import datetime
import html

import pytest
from django.urls import reverse

from cases.choices import NoteKind
from cases.mail.sanitize import sanitize_note_html
from cases.models import CaseEvent, Note
from cases.notes import add_note, as_text
from cases.views.rich_text import UNREADABLE
from tests.draftail import block, contentstate, editor_text, link, typed
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
        {
            "date": "2026-03-02",
            "kind": NoteKind.PHONE_CALL,
            "content": typed("Appel de Mme Dupont.", "Elle rappellera."),
        },
    )
    assert response.url == url("detail", case) + "#fil-section"
    note = Note.objects.get(case=case)
    assert (note.date, note.kind, note.author) == (datetime.date(2026, 3, 2), NoteKind.PHONE_CALL, agent)
    assert note.content == "<p>Appel de Mme Dupont.</p><p>Elle rappellera.</p>"
    page = html.unescape(client.get(url("detail", case)).content.decode())
    assert 'id="fil-section"' in page, "the redirect's anchor exists on the case page"
    assert "Appel téléphonique du 02/03/2026" in page
    assert "<p>Appel de Mme Dupont.</p>" in page


def test_draftail_formatting_is_stored_as_html(client, agent, case):
    """Bold, italic, lists and a link, as Draftail posts them; its block keys do not reach the database."""
    client.force_login(agent)
    content = contentstate(
        block("Rendez-vous confirmé, dossier urgent.", styles=[("BOLD", 12, 8), ("ITALIC", 30, 6)]),
        block("pièce d'identité", "unordered-list-item"),
        block("facture", "unordered-list-item"),
        block("Voir service-public.fr", links=[(0, 5, 17)]),
        entities={"0": link("https://www.service-public.fr/")},
    )
    client.post(url("note_add", case), {"date": "2026-03-02", "kind": NoteKind.MEETING, "content": content})
    assert Note.objects.get(case=case).content == (
        "<p>Rendez-vous <b>confirmé</b>, dossier <i>urgent</i>.</p>"
        "<ul><li>pièce d'identité</li><li>facture</li></ul>"
        '<p>Voir <a href="https://www.service-public.fr/" rel="noopener noreferrer nofollow">service-public.fr</a></p>'
    )


def test_hostile_contentstate_is_sanitised_on_save(client, agent, case):
    """A tampered post: text that looks like HTML, a javascript: link with extra attributes, a page link,
    and blocks, styles and entities outside the feature set (heading, code, image, embed)."""
    client.force_login(agent)
    content = contentstate(
        block("<script>alert(1)</script> <b onclick=x()>", styles=[("CODE", 0, 8)]),
        block("piège et page", links=[(0, 0, 5), (1, 9, 4)]),
        block("Titre", "header-one"),
        block(" ", "atomic", links=[(2, 0, 1)]),
        block(" ", "atomic", links=[(3, 0, 1)]),
        entities={
            "0": link("javascript:alert(1)", onclick="x()", id=None),
            "1": link("/", id=3, parentId=1),
            "2": {"type": "IMAGE", "mutability": "IMMUTABLE", "data": {"src": "https://pistage.example/x.png"}},
            "3": {"type": "EMBED", "mutability": "IMMUTABLE", "data": {"url": "https://x", "html": "<iframe>"}},
        },
    )
    client.post(url("note_add", case), {"date": "2026-03-02", "kind": NoteKind.MEETING, "content": content})
    stored = Note.objects.get(case=case).content
    assert stored.startswith("<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;b onclick=x()&gt;</p>"), "typed text"
    for forbidden in ("<script", "<b ", "javascript:", "linktype", "data-block-key", "<h1", "<code", "<img", "iframe"):
        assert forbidden not in stored
    page = client.get(url("detail", case)).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_hostile_html_given_to_the_service_is_sanitised(agent, case):
    dirty = (
        '<p onclick="x()">Rendez-vous <strong>confirmé</strong><script>alert(1)</script></p>'
        '<ul><li><a href="javascript:alert(1)">piège</a></li><li><a href="https://service-public.fr">lien</a></li></ul>'
        '<img src="https://pistage.example/x.png"><iframe src="https://x"></iframe><h1 data-block-key="a">Titre</h1>'
    )
    content = add_note(agent, case, date=datetime.date(2026, 3, 2), kind=NoteKind.MEETING, content=dirty).content
    assert "<strong>confirmé</strong>" in content
    assert '<a href="https://service-public.fr" rel="noopener noreferrer nofollow">lien</a>' in content
    for forbidden in ("script", "onclick", "javascript:", "<img", "iframe", "alert", "<h1", "data-block-key"):
        assert forbidden not in content


@pytest.mark.parametrize("posted", ["<p>Du HTML écrit à la main</p>", "Du texte brut", "[1, 2]", '{"blocks": 3}'])
def test_anything_but_contentstate_is_refused(client, agent, case, posted):
    client.force_login(agent)
    response = client.post(url("note_add", case), {"date": "2026-03-02", "kind": NoteKind.NOTE, "content": posted})
    assert response.status_code == 200
    assert UNREADABLE in html.unescape(response.content.decode())
    assert not Note.objects.exists()


def test_wagtail_markup_is_cleaned_and_text_read_back():
    assert sanitize_note_html('<p data-block-key="x1">a <b>b</b> <i>c</i></p>') == "<p>a <b>b</b> <i>c</i></p>"
    assert sanitize_note_html("<h2>Titre</h2><table><tr><td>x</td></tr></table>") == "Titrex"
    assert as_text("<p>un</p><ul><li>deux</li><li>trois</li></ul><p>a<br>b</p>") == "un\ndeux\ntrois\na\nb"


@pytest.mark.parametrize(
    "content", ["", "null", typed(""), typed("   ", ""), contentstate(block("Titre", "header-one"))]
)
def test_an_empty_note_is_refused(client, agent, case, content):
    client.force_login(agent)
    response = client.post(url("note_add", case), {"date": "2026-03-02", "kind": NoteKind.NOTE, "content": content})
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Champ requis." in body or "La note est vide : écrivez son contenu." in body
    assert not Note.objects.exists()


def test_missing_date_and_unknown_kind_are_refused(client, agent, case):
    client.force_login(agent)
    response = client.post(url("note_add", case), {"date": "", "kind": "autre", "content": typed("x")})
    assert response.status_code == 200
    assert not Note.objects.exists()


def test_any_agent_edits_a_note(client, agent, main_agent, case):
    note = NoteFactory(case=case, author=main_agent)
    client.force_login(agent)
    page = client.get(url("note_edit", case, note_pk=note.pk)).content.decode()
    assert editor_text(page, "content") == "Appel du requérant, il attend une réponse.", "the note, loaded in Draftail"
    client.post(
        url("note_edit", case, note_pk=note.pk),
        {"date": "2026-01-05", "kind": NoteKind.MEETING, "content": typed("Revu")},
    )
    note.refresh_from_db()
    assert (note.date, note.kind, note.content) == (datetime.date(2026, 1, 5), NoteKind.MEETING, "<p>Revu</p>")


def test_delete_asks_then_deletes(client, agent, case):
    note = NoteFactory(case=case)
    client.force_login(agent)
    assert "Oui, supprimer la note" in client.get(url("note_delete", case, note_pk=note.pk)).content.decode()
    assert Note.objects.filter(pk=note.pk).exists()
    response = client.post(url("note_delete", case, note_pk=note.pk))
    assert response.url == url("detail", case) + "#fil-section"
    assert not Note.objects.filter(pk=note.pk).exists()


def test_a_note_of_another_case_is_404_even_in_the_same_authority(client, agent, authority, case):
    other = NoteFactory(case=CaseFactory(authority=authority))
    client.force_login(agent)
    for name in ("note_edit", "note_delete"):
        assert client.get(url(name, case, note_pk=other.pk)).status_code == 404
        assert client.post(url(name, case, note_pk=other.pk), {"content": "x"}).status_code == 404
    assert Note.objects.filter(pk=other.pk).exists()


def test_the_timeline_tells_who_added_changed_and_deleted_which_note(client, agent, main_agent, case):
    client.force_login(agent)
    note_data = {"date": "2026-03-02", "kind": NoteKind.PHONE_CALL, "content": typed("Appel.")}
    client.post(url("note_add", case), note_data)
    note = Note.objects.get(case=case)
    client.force_login(main_agent)
    client.post(url("note_edit", case, note_pk=note.pk), note_data | {"kind": NoteKind.MEETING})
    client.post(url("note_delete", case, note_pk=note.pk))
    events = [(event.kind, event.actor, event.detail) for event in case.events.order_by("pk")]
    assert events == [
        (CaseEvent.Kind.NOTE_ADDED, agent, "Appel téléphonique du 02/03/2026"),
        (CaseEvent.Kind.NOTE_UPDATED, main_agent, "Rendez-vous du 02/03/2026"),
        (CaseEvent.Kind.NOTE_DELETED, main_agent, "Rendez-vous du 02/03/2026"),
    ]
    thread = html.unescape(client.get(url("detail", case)).content.decode()).split('id="fil-section"')[1]
    assert "Note supprimée" in thread and "Rendez-vous du 02/03/2026" in thread


def test_a_refused_note_leaves_no_event(client, agent, case):
    client.force_login(agent)
    client.post(url("note_add", case), {"date": "2026-03-02", "kind": NoteKind.NOTE, "content": typed("")})
    assert not case.events.exists()
