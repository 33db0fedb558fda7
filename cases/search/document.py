"""Keeping each case's search row (`CaseSearch`) in step with the case, once per transaction, after commit.

The row is written by one `INSERT … SELECT … ON CONFLICT` computed by PostgreSQL
from the case, its citizen, notes and messages, so no text travels to Python
and back. Weights rank what the words come from: the citizen's names and email
(A) above the description (B), notes (C) and messages (D).

The receivers below ask for it when a case or one of those related rows
changes. Bulk writers (`seed_demo`, the benchmarks) call `reindex_cases`
themselves; `manage.py rebuild_case_search` rewrites them all (`rebuild_search`). On SQLite there is
no vector: the search reads the rows directly.
"""

from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Max, Min
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cases.models import Case, CaseSearch, Citizen, Message, MessageCase, Note

SEARCH_CONFIG = "french_unaccent"  # French stemming over unaccented words (migration 0006)
# to_tsvector refuses a document over 1 MB of lexemes: a case's notes or messages are cut well before.
MAX_SOURCE_CHARS = 200_000


BY_NUMBERS = "c.number = ANY(%(numbers)s)"
BY_RANGE = "c.number BETWEEN %(first)s AND %(last)s"


def reindex_sql(cases: str = BY_NUMBERS) -> str:
    """The statement writing the search rows of the cases `cases` selects (`BY_NUMBERS`, `BY_RANGE`)."""
    case, citizen, note = Case._meta.db_table, Citizen._meta.db_table, Note._meta.db_table
    message, link = Message._meta.db_table, MessageCase._meta.db_table
    names = "concat_ws(' ', z.first_name, z.last_name, z.email)"
    # Only table names from the models are put in the text; every value is a parameter.
    return f"""
        INSERT INTO {CaseSearch._meta.db_table} (case_id, authority_id, document, names)
        SELECT c.number, c.authority_id,
            setweight(to_tsvector(%(config)s, {names}), 'A')
            || setweight(to_tsvector(%(config)s, c.description), 'B')
            || setweight(to_tsvector(%(config)s, coalesce(left(
                (SELECT string_agg(n.content, ' ') FROM {note} n WHERE n.case_id = c.number), %(max)s), '')), 'C')
            || setweight(to_tsvector(%(config)s, coalesce(left(
                (SELECT string_agg(concat_ws(' ', m.subject, m.text), ' ')
                 FROM {link} l JOIN {message} m ON m.id = l.message_id WHERE l.case_id = c.number),
                %(max)s), '')), 'D'),
            lower(unaccent({names}))
        FROM {case} c LEFT JOIN {citizen} z ON z.case_id = c.number
        WHERE {cases}
        ON CONFLICT (case_id) DO UPDATE
        SET authority_id = EXCLUDED.authority_id, document = EXCLUDED.document, names = EXCLUDED.names
    """  # noqa: S608


def reindex_cases(numbers: Iterable[int]) -> None:
    """Rewrite the search rows of these cases in one statement (nothing to do on SQLite)."""
    numbers = list(numbers)
    if connection.vendor != "postgresql" or not numbers:
        return
    with connection.cursor() as cursor:
        cursor.execute(reindex_sql(), {"config": SEARCH_CONFIG, "max": MAX_SOURCE_CHARS, "numbers": numbers})


def rebuild_search(batch_size: int, progress: Callable[[int, int], None]) -> int:
    """Rewrite every case's search row, one statement per range of `batch_size` case numbers, each
    committed on its own: nothing is read into Python, so memory stays flat at a million cases, and a
    stopped rebuild leaves the ranges done so far rewritten. `progress(last number done, last number)`
    follows each range. Returns the number of ranges (nothing to do on SQLite, which has no vector)."""
    if connection.vendor != "postgresql":
        return 0
    bounds = Case.objects.aggregate(first=Min("number"), last=Max("number"))  # the primary key's two ends
    if bounds["first"] is None:
        return 0
    ranges = 0
    for first in range(bounds["first"], bounds["last"] + 1, batch_size):
        last = min(first + batch_size - 1, bounds["last"])
        with connection.cursor() as cursor:
            cursor.execute(
                reindex_sql(BY_RANGE), {"config": SEARCH_CONFIG, "max": MAX_SOURCE_CHARS, "first": first, "last": last}
            )
        ranges += 1
        progress(last, bounds["last"])
    return ranges


class Reindex:
    """A re-index of one case, waiting for the transaction to commit (`done` once run, or made needless)."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.done = False

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        reindex_cases([self.number])


def reindex_now(numbers: list[int]) -> None:
    """Rewrite these cases' search rows now, in one statement, from what the transaction has written so far.

    For a batch that has just changed many cases (the anonymisation deletes their notes, and each deletion
    asks for its case's re-index): the re-indexes of these cases waiting for the commit, one statement
    each, are then needless and skipped; a later change in the transaction asks for a new one.
    """
    reindex_cases(numbers)
    rewritten = set(numbers)
    for _savepoints, callback, _robust in transaction.get_connection().run_on_commit:
        if isinstance(callback, Reindex) and callback.number in rewritten:
            callback.done = True


def reindex_after_commit(numbers: Iterable[int]) -> None:
    """Re-index each case once, when the transaction commits.

    An intake writes the case, its citizen and its message link in one
    transaction: one statement after commit covers them all. Django keeps the
    callbacks waiting for the commit on the connection; a case already waiting
    there is not added twice.
    """
    waiting = {
        callback.number
        for _savepoints, callback, _robust in transaction.get_connection().run_on_commit
        if isinstance(callback, Reindex) and not callback.done
    }
    for number in set(numbers) - waiting:
        transaction.on_commit(Reindex(number))


def may_change_words(update_fields, searched: set[str]) -> bool:
    """A save limited to fields the search does not read (status, assignment, sending state…) changes nothing."""
    return update_fields is None or not searched.isdisjoint(update_fields)


@receiver(post_save, sender=Case, dispatch_uid="search_case_saved")
def reindex_saved_case(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if not raw and may_change_words(update_fields, {"description", "authority"}):
        reindex_after_commit([instance.pk])


@receiver(post_save, sender=Citizen, dispatch_uid="search_citizen_saved")
@receiver(post_save, sender=Note, dispatch_uid="search_note_saved")
def reindex_case_of_saved(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if not raw and may_change_words(update_fields, {"first_name", "last_name", "email", "content"}):
        reindex_after_commit([instance.case_id])


@receiver(post_delete, sender=Citizen, dispatch_uid="search_citizen_deleted")
@receiver(post_delete, sender=Note, dispatch_uid="search_note_deleted")
@receiver(post_save, sender=MessageCase, dispatch_uid="search_message_link_saved")
@receiver(post_delete, sender=MessageCase, dispatch_uid="search_message_link_deleted")
def reindex_case_of(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        reindex_after_commit([instance.case_id])


@receiver(post_save, sender=Message, dispatch_uid="search_message_saved")
def reindex_cases_of_message(sender, instance, created=False, raw=False, update_fields=None, **kwargs) -> None:
    """A new message has no case yet (its links come next); an edited subject or text re-indexes its cases."""
    if not (raw or created) and may_change_words(update_fields, {"subject", "text"}):
        reindex_after_commit(MessageCase.objects.filter(message=instance).values_list("case_id", flat=True))
