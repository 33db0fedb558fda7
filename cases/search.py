"""Full-text search of cases, and keeping its index fresh.

A case is indexed with its citizen's names and email, its notes and the
subject and text of its messages (`Case.search_fields`). Wagtail re-indexes a
case when the case itself is saved; the receivers below do it when one of
those related rows changes, so a note written or a reply received is found at
once.

`search_cases` always receives a queryset already scoped by `cases_for`: the
search narrows what the user may see, it never widens it.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.search.backends import get_search_backend
from wagtail.search.index import insert_or_update_object

from cases.models import Case, Citizen, Message, MessageCase, Note

MAX_CASE_NUMBER = 2**63 - 1


def case_number_query(term: str) -> int | None:
    """A query made only of digits (optionally « n° » or « # » first) is a case number."""
    cleaned = term.strip().lower().removeprefix("n°").removeprefix("#").strip()
    if cleaned.isdigit() and int(cleaned) <= MAX_CASE_NUMBER:
        return int(cleaned)
    return None


def search_cases(queryset: QuerySet[Case], term: str):
    """Cases of `queryset` matching `term`, in the queryset's own order.

    A number matches the case number exactly; anything else is a full-text
    search (French stemming on PostgreSQL), every word being required.
    """
    term = term.strip()
    if not term:
        return queryset
    number = case_number_query(term)
    if number is not None:
        return queryset.filter(number=number)
    return get_search_backend().search(term, queryset, operator="and", order_by_relevance=False)


def reindex_cases(numbers) -> None:
    for case in Case.objects.filter(number__in=list(numbers)).select_related("citizen"):
        insert_or_update_object(case)


class Reindex:
    """A re-index of one case, waiting for the transaction to commit."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.done = False

    def __call__(self) -> None:
        self.done = True
        reindex_cases([self.number])


def reindex_after_commit(numbers) -> None:
    """Re-index each case once, when the transaction commits.

    An intake writes the case, its citizen and its message link in one
    transaction: re-indexing on each of those saves added 15 queries to a
    submission. Django keeps the callbacks waiting for the commit on the
    connection; a case already waiting there is not added twice.
    """
    waiting = {
        callback.number
        for _savepoints, callback, _robust in transaction.get_connection().run_on_commit
        if isinstance(callback, Reindex) and not callback.done
    }
    for number in set(numbers) - waiting:
        transaction.on_commit(Reindex(number))


@receiver(post_save, sender=Citizen, dispatch_uid="search_citizen_saved")
@receiver(post_delete, sender=Citizen, dispatch_uid="search_citizen_deleted")
@receiver(post_save, sender=Note, dispatch_uid="search_note_saved")
@receiver(post_delete, sender=Note, dispatch_uid="search_note_deleted")
def reindex_case_of(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        reindex_after_commit([instance.case_id])


@receiver(post_save, sender=MessageCase, dispatch_uid="search_message_link_saved")
@receiver(post_delete, sender=MessageCase, dispatch_uid="search_message_link_deleted")
def reindex_case_of_link(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        reindex_after_commit([instance.case_id])


@receiver(post_save, sender=Message, dispatch_uid="search_message_saved")
def reindex_cases_of_message(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A new message has no case yet (its links come next); an edited one re-indexes its cases."""
    if not (raw or created):
        reindex_after_commit(MessageCase.objects.filter(message=instance).values_list("case_id", flat=True))
