"""Notes of a case: the agent's log of calls, meetings and thoughts, in sanitised rich text.

The agent writes in a textarea: plain text (paragraphs and line breaks kept)
or a little HTML. Either way only p, br, strong, em, ul, ol, li and a[href]
survive nh3, on save, so what is stored is safe to show as is.
"""

import datetime
import html
import re

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import Case, Note
from cases.workflow import require_agent

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
MARKUP = re.compile(r"<[a-zA-Z/!]")  # what makes the content HTML rather than plain text
EMPTY_NOTE = "La note est vide : écrivez son contenu."


def sanitise(content: str) -> str:
    content = content.strip().replace("\r\n", "\n")
    if not MARKUP.search(content):
        paragraphs = [part.strip() for part in content.split("\n\n") if part.strip()]
        content = "".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in paragraphs)
    return nh3.clean(
        content,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def as_text(content: str) -> str:
    """The note as plain text, one line per paragraph, line break or list item (for the PDF)."""
    for tag in ("</p>", "<br>", "</li>"):
        content = content.replace(tag, tag + "\n")
    return html.unescape(nh3.clean(content, tags=set())).strip()


def cleaned(content: str) -> str:
    safe = sanitise(content)
    if not as_text(safe):
        raise ValidationError({"content": EMPTY_NOTE})
    return safe


@transaction.atomic
def add_note(actor, case: Case, *, date: datetime.date, kind: str, content: str) -> Note:
    require_agent(actor, case)
    note = Note(case=case, date=date, kind=kind, content=cleaned(content), author=actor)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def update_note(actor, note: Note, *, date: datetime.date, kind: str, content: str) -> Note:
    require_agent(actor, note.case)
    note.date, note.kind, note.content = date, kind, cleaned(content)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def delete_note(actor, note: Note) -> None:
    require_agent(actor, note.case)
    note.delete()
