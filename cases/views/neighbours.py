"""Previous / next case of the list the agent came from, for the case page's header and `j` / `k`.

The list is the index's: its URL state (filters, sort) travels with the case link as `liste`, and the
neighbours are read in one query from that list's order (a window over it, filtered on the case), whatever
its length; the index gives the list and its order from that state (cases/workspace/state.py).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F, Window
from django.db.models.functions import FirstValue, Lag, Lead
from django.urls import reverse

from cases.models import Case
from cases.workspace.state import LIST_PARAM, list_and_order

__all__ = ["LIST_PARAM", "Neighbours", "neighbours"]


@dataclass(frozen=True)
class Neighbours:
    previous: int | None
    next: int | None
    state: str  # the list's URL state, kept on the links

    def url(self, number: int | None) -> str | None:
        if number is None:
            return None
        url = reverse("case:detail", args=[number])
        return f"{url}?{urlencode({LIST_PARAM: self.state})}" if self.state else url

    @property
    def previous_url(self) -> str | None:
        return self.url(self.previous)

    @property
    def next_url(self) -> str | None:
        return self.url(self.next)


def neighbours(user, case: Case, state: str = "") -> Neighbours:
    cases, order = list_and_order(user, state)
    row = (
        cases.annotate(
            previous_number=Window(Lag("number"), order_by=order),
            next_number=Window(Lead("number"), order_by=order),
            # The case's own number as a window value: Django filters on a window after computing it (in an
            # outer query), whereas `number=` would narrow the list to the case before its neighbours are read.
            this_number=Window(FirstValue("number"), partition_by=[F("number")]),
        )
        .filter(this_number=case.number)
        .values("previous_number", "next_number")
        .first()
    ) or {}
    return Neighbours(row.get("previous_number"), row.get("next_number"), state)
