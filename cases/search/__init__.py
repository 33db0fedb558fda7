"""Search of the agents' case index: a case number, or words.

On PostgreSQL each case has a search row of its own (`CaseSearch`, kept by
`cases.search.document` after commit): a French, accent-insensitive vector of
the citizen's names and email, the description, the notes and the messages,
and the citizen's names and email for trigram matching, so « fourriere » finds
« fourrière » and « Dupond » finds « Dupont ». Both GIN indexes start with the
authority, so the scoping filter and the match are answered by one index.
SQLite, the embedded default, has no such index: every word must appear,
case-insensitively, in one of the same texts (`icontains`).

`search_cases` always receives a queryset already scoped by `cases_for` and the
ids of the user's authorities: the search narrows what the user may see, it
never widens it. Wagtail's own search index keeps pages, images and documents.
"""

import operator
from functools import reduce

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Lower

from cases.models import Case, MessageCase, Note
from cases.search.document import SEARCH_CONFIG, Reindex, reindex_after_commit, reindex_cases, reindex_now

__all__ = ["Reindex", "count_up_to", "reindex_after_commit", "reindex_cases", "reindex_now", "search_cases"]

MAX_CASE_NUMBER = 2**63 - 1


def case_number_query(term: str) -> int | None:
    """A query made only of digits (optionally « n° » or « # » first) is a case number."""
    cleaned = term.strip().lower().removeprefix("n°").removeprefix("#").strip()
    if cleaned.isdigit() and int(cleaned) <= MAX_CASE_NUMBER:
        return int(cleaned)
    return None


def search_cases(queryset: QuerySet[Case], term: str, authority_ids) -> QuerySet[Case]:
    """Cases of `queryset` matching `term`, in the queryset's own order (on PostgreSQL, those holding the
    words first, then those whose citizen's name is only close: « Martin » before « Martinez »).

    A number matches the case number exactly. Words match on PostgreSQL when all
    of them are in the case's vector (French stemming, accents ignored), or when
    the whole term is close to the citizen's names or email (pg_trgm's word
    similarity, at its default threshold of 0.6). `authority_ids` are the user's
    authorities, the first column of both indexes.
    """
    term = term.strip()
    if not term:
        return queryset
    number = case_number_query(term)
    if number is not None:
        return queryset.filter(number=number)
    if connection.vendor != "postgresql":
        return queryset.filter(*(contains_word(word) for word in term.split()))
    words = SearchQuery(term, config=SEARCH_CONFIG, search_type="plain")
    close_names = TrigramWordSimilar(F("search__names"), Lower(Func(Value(term), function="unaccent")))
    has_words = Q(search__document=words)
    # The constant `authority_id__in` repeats the scope `cases_for` gives as a subquery: without it the
    # planner guesses an average authority's size, and for a big one reads all its cases one by one
    # instead of the GIN index of (authority, words).
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    return (
        queryset.filter(has_words | close_names, in_authorities(authority_ids), authority_id__in=authority_ids)
        .annotate(has_words=ExpressionWrapper(has_words, output_field=BooleanField()))
        .order_by(F("has_words").desc(), *ordering)
    )


def in_authorities(authority_ids) -> Q:
    """`authority = id` for each id, typed as the column (bigint).

    btree_gin has no `bigint = integer` operator: compared with an untyped literal
    (an integer) the authority would stay out of the index scan and be filtered on
    every matching row of every authority. `__in` takes no typed expressions, hence
    one equality per authority (an agent mostly has one).
    """
    typed = [Q(search__authority_id=Cast(Value(pk), output_field=BigIntegerField())) for pk in authority_ids]
    return reduce(operator.or_, typed, Q(pk__in=[]))


def contains_word(word: str) -> Q:
    """SQLite: the word is in the citizen's names or email, the description, a note or a message."""
    in_notes = Note.objects.filter(case=OuterRef("pk"), content__icontains=word)
    in_messages = MessageCase.objects.filter(case=OuterRef("pk")).filter(
        Q(message__subject__icontains=word) | Q(message__text__icontains=word)
    )
    return (
        Q(citizen__first_name__icontains=word)
        | Q(citizen__last_name__icontains=word)
        | Q(citizen__email__icontains=word)
        | Q(description__icontains=word)
        | Exists(in_notes)
        | Exists(in_messages)
    )


def count_up_to(queryset: QuerySet, limit: int) -> int:
    """How many rows, counting no further than `limit` (`SELECT count(*) FROM (… LIMIT limit)`).

    A search matching half an authority's cases is not counted to the end:
    « plus de 1 000 résultats » tells enough, for the price of one bounded query.
    """
    return queryset.order_by()[:limit].count()
