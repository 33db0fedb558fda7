"""Notes of a case: the agent's log of calls, meetings and thoughts, in sanitised rich text.

The agent writes in Wagtail's Draftail editor (bold, italic, lists, links); the
form turns what it posts into HTML (`cases.views.rich_text`). Whatever HTML comes
here, only p, br, b/strong, i/em, ul, ol, li and a[href] survive nh3 on save
(`sanitize_note_html`), so what is stored is safe to show as is.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.mail.sanitize import html_to_text, sanitize_note_html
from cases.models import Case, CaseEvent, Note
from cases.workflow import record, require_agent, validate

EMPTY_NOTE = "La note est vide : écrivez son contenu."


def as_text(content: str) -> str:
    """The note as plain text, one line per paragraph, line break or list item (for the PDF)."""
    return re.sub(r"\n+", "\n", html_to_text(content))


def title(note: Note) -> str:
    """How the timeline names a note: « Appel téléphonique du 12/11/2026 »."""
    return f"{note.get_kind_display()} du {note.date:%d/%m/%Y}"


def cleaned(content: str) -> str:
    safe = sanitize_note_html(content)
    if not as_text(safe):
        raise ValidationError({"content": EMPTY_NOTE})
    return safe


@transaction.atomic
def add_note(actor, case: Case, *, date: datetime.date, kind: str, content: str) -> Note:
    require_agent(actor, case)
    note = Note(case=case, date=date, kind=kind, content=cleaned(content), author=actor)
    validate(note)
    note.save()
    record(case, CaseEvent.Kind.NOTE_ADDED, actor, detail=title(note))
    return note


@transaction.atomic
def update_note(actor, note: Note, *, date: datetime.date, kind: str, content: str) -> Note:
    require_agent(actor, note.case)
    note.date, note.kind, note.content = date, kind, cleaned(content)
    validate(note)
    note.save()
    record(note.case, CaseEvent.Kind.NOTE_UPDATED, actor, detail=title(note))
    return note


@transaction.atomic
def delete_note(actor, note: Note) -> None:
    require_agent(actor, note.case)
    note.delete()
    record(note.case, CaseEvent.Kind.NOTE_DELETED, actor, detail=title(note))
