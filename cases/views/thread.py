"""The case's conversation as one thread: messages in and out, notes, documents and events, each once.

The case page used to list the same message twice (« À traiter » and « Tous les messages ») and spread notes,
documents and history over separate panels; agents read a case as one story. The thread merges the rows the
page reads anyway (no query of its own) and shows them newest first, so the latest messages are on screen
when the case opens. An event that only says an item arrived (« Message reçu », « Note ajoutée »,
« Documents ajoutés », « Message envoyé ») is left out: the item itself is in the thread. A file that came
with a message is shown on that message, not again as a document. The newest messages (EXPANDED) and those
still to process are shown open; older ones fold under « Lire le message ».
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from cases.models import Attachment, CaseEvent, MessageCase, Note

# Events whose item is itself in the thread.
ITEM_EVENTS = frozenset(
    {
        CaseEvent.Kind.MESSAGE_SENT,
        CaseEvent.Kind.MESSAGE_RECEIVED,
        CaseEvent.Kind.NOTE_ADDED,
        CaseEvent.Kind.DOCUMENTS_ADDED,
    }
)

EXPANDED = 3


@dataclass(frozen=True)
class ThreadItem:
    """One entry of the thread; `kind` names its template (message, note, document, event)."""

    kind: str
    at: datetime
    pk: int
    item: Any
    expanded: bool = False

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.pk}"


def build_thread(
    links: list[MessageCase], notes: list[Note], documents: list[Attachment], events: list[CaseEvent]
) -> list[ThreadItem]:
    """Every item once, newest first (ties by kind then pk, so the order is stable)."""
    items = [ThreadItem("message", link.message.created_at, link.message_id, link) for link in links]
    items += [ThreadItem("note", note.created_at, note.pk, note) for note in notes]
    items += [ThreadItem("document", doc.created_at, doc.pk, doc) for doc in documents if not doc.message_id]
    items += [ThreadItem("event", ev.created_at, ev.pk, ev) for ev in events if ev.kind not in ITEM_EVENTS]
    items.sort(key=lambda entry: (entry.at, entry.kind, entry.pk), reverse=True)
    messages = [entry for entry in items if entry.kind == "message"]
    expanded = {id(entry) for entry in messages[:EXPANDED]}
    expanded |= {id(entry) for entry in messages if entry.item.processed is False}
    return [replace(entry, expanded=True) if id(entry) in expanded else entry for entry in items]
