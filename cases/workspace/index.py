"""The agents' case index at /admin/dossiers/: a triage list (issue 11, item 1).

One dense row per case: number, citizen, subject (the request's first line),
domain, status, assignee, due date, last activity and from whom, and how many
messages wait to be processed. The list is named by its URL (cases/workspace/state.py):
one set of filters (state, status, domain, assignee, channel, authority and the
search), a sort on every column, the page. By default: the open cases, those with
messages to process first, then by due date. Saved views (cases/workspace/saved_views.py)
are the tabs above the list; selected rows go to the bulk actions (cases/workspace/bulk.py).
Keys (static/js/case-index.js, never while typing): j / k from row to row, / to the search.

A page costs the same queries whatever its size: the tabs' bounded counts (one
query), the list's count (one aggregate, or a count up to 1 000 for a search:
« plus de 1 000 résultats »), the page's case numbers and its rows (citizen,
assignee, domain and authority joined, the unprocessed count and newest event of
those rows only), their newest events' authors (one query), and the filters'
choices (one query each). The default order is paged without a per-case subquery
(`UnprocessedFirst`); a search is written to the audit log without its term.
"""

import operator
from functools import reduce
from urllib.parse import parse_qsl

from django import forms
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property

from authorities.models import AGENT_ROLES, User
from cases import audit
from cases.access import agent_authorities
from cases.choices import Channel, Status
from cases.dates import DueState, due_state
from cases.models import Case, CaseEvent, Domain
from cases.search import count_up_to
from cases.workflow import person
from cases.workspace import saved_views
from cases.workspace.bulk import BulkForm
from cases.workspace.saved_views import ALL_CASES
from cases.workspace.state import (
    ALL,
    DUE_ORDER,
    ME,
    NOBODY,
    STATES,
    ListState,
    case_link,
    filtered_cases,
    has_unprocessed,
    index_url,
    list_url,
    unprocessed_first,
)

__all__ = ["SEARCH_COUNT_LIMIT", "UnprocessedFirst", "case_index", "index_url"]

PAGE_SIZE = 50
SEARCH_COUNT_LIMIT = 1000
MORE_RESULTS_LABEL = f"Plus de {SEARCH_COUNT_LIMIT:,} résultats".replace(",", "\N{NO-BREAK SPACE}")
SUBJECT_LENGTH = 120


def optional_url(name: str, *args) -> str | None:
    """The URL of a view that another part of the workspace may not have registered yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def case_detail_url(number: int) -> str:
    return reverse("case:detail", args=[number])


def can_use_index(user) -> bool:
    """Agents and main agents somewhere; anyone else gets 404 on every case URL."""
    return user.is_authenticated and bool(agent_authorities(user))


class UnprocessedFirst:
    """The index's default order, paged without sorting the whole list.

    `queryset` is the filtered list, `flagged` how many of its cases have messages to
    process: those come first, then the others. A page asks for at most two ranges,
    one of each part, each read in due-date order up to the page's end (index
    case_authority_due_order), as one condition on the case numbers.
    """

    def __init__(self, queryset: QuerySet[Case], flagged: int) -> None:
        self.queryset = queryset.order_by()
        self.flagged = flagged

    def page_numbers(self, start: int, stop: int) -> list[QuerySet]:
        parts = []
        if start < self.flagged:
            with_messages = self.queryset.filter(has_unprocessed()).order_by(*DUE_ORDER)
            parts.append(with_messages.values("pk")[start : min(stop, self.flagged)])
        if stop > self.flagged:
            others = self.queryset.filter(~has_unprocessed()).order_by(*DUE_ORDER)
            parts.append(others.values("pk")[max(start - self.flagged, 0) : stop - self.flagged])
        return parts

    def in_page(self, start: int, stop: int) -> Q | None:
        parts = self.page_numbers(start, stop)
        if not parts:
            return None
        if connection.features.supports_slicing_ordering_in_compound:  # PostgreSQL: one index lookup per number
            return Q(pk__in=parts[0].union(*parts[1:], all=True))
        return reduce(operator.or_, (Q(pk__in=part) for part in parts))  # SQLite takes no LIMIT inside a UNION


def row_queryset() -> QuerySet[Case]:
    """What a row shows, for the page's rows only: joined relations, unprocessed count, newest event."""
    newest = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        Case.objects.select_related("citizen", "assignee", "authority", "domain")
        .with_unprocessed_count()
        .annotate(last_event_id=Subquery(newest.values("pk")[:1]))
    )


def page_rows(state: ListState, cases: QuerySet[Case], flagged: int | None, start: int, stop: int) -> list[Case]:
    """The rows of one page, in the list's order (one query, two for a sorted or searched list)."""
    if state.default_order:
        in_page = UnprocessedFirst(cases, flagged or 0).in_page(start, stop)
        if in_page is None:
            return []
        return list(row_queryset().filter(in_page).order_by(unprocessed_first(), *DUE_ORDER))
    numbers = list(cases.values_list("pk", flat=True)[start:stop])
    rows = {case.pk: case for case in row_queryset().filter(pk__in=numbers)}
    return [rows[number] for number in numbers if number in rows]


def activity_author(event: CaseEvent) -> str:
    """Who made the case's newest event: an agent, or the citizen (a request or a reply received)."""
    if event.actor_id:
        return person(event.actor)
    if event.kind == CaseEvent.Kind.MESSAGE_RECEIVED:
        return event.data.get("from") or "Requérant"
    if event.kind == CaseEvent.Kind.CREATED:
        return "Requérant"
    return "Plateforme"


def subject(description: str) -> str:
    """The request's first line, cut for a dense row (the whole text is on the case page)."""
    line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    return line if len(line) <= SUBJECT_LENGTH else line[: SUBJECT_LENGTH - 1].rstrip() + "…"


class FilterForm(forms.Form):
    """The index's one set of filters, rendered from a `ListState` (which is what the list reads)."""

    q = forms.CharField(label="Rechercher", required=False)
    etat = forms.ChoiceField(label="État", choices=list(STATES.items()), required=False)
    avancement = forms.ChoiceField(label="Avancement", choices=[("", "Tous"), *Status.choices], required=False)
    domaine = forms.ChoiceField(label="Domaine", required=False)
    mediateur = forms.ChoiceField(label="Médiateur", required=False)
    saisine = forms.ChoiceField(label="Saisine", choices=[("", "Toutes"), *Channel.choices], required=False)
    collectivite = forms.ChoiceField(label="Collectivité", required=False)

    def __init__(self, user, state: ListState) -> None:
        super().__init__(initial=state.params() | {"etat": state.etat}, label_suffix="")
        authority_ids = [authority.pk for authority in agent_authorities(user)]
        domains = Domain.objects.filter(parent__isnull=True).filter(
            Q(authority__isnull=True) | Q(authority_id__in=authority_ids)
        )
        self.fields["domaine"].choices = [("", "Tous"), *((str(d.pk), d.name) for d in domains.order_by("name"))]
        agents = (
            User.objects.filter(memberships__authority_id__in=authority_ids, memberships__role__in=AGENT_ROLES)
            .exclude(pk=user.pk)
            .distinct()
            .order_by("last_name", "first_name", "email")
        )
        self.fields["mediateur"].choices = [
            ("", "Tous"),
            (ME, "Moi"),
            (NOBODY, "Non assigné"),
            *((str(agent.pk), person(agent)) for agent in agents),
        ]
        if len(authority_ids) > 1:
            authorities = [(str(a.pk), a.name) for a in agent_authorities(user)]
            self.fields["collectivite"].choices = [("", "Toutes"), *authorities]
        else:
            del self.fields["collectivite"]


class CountedPaginator(Paginator):
    """Pages of a list counted beforehand, once."""

    def __init__(self, count: int, per_page: int) -> None:
        super().__init__(range(count), per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


COLUMNS = (
    ("numero", "N°"),
    ("requerant", "Requérant"),
    ("objet", "Objet"),
    ("domaine", "Domaine"),
    ("avancement", "Avancement"),
    ("mediateur", "Médiateur"),
    ("echeance", "Échéance"),
    ("activite", "Dernière activité"),
    ("a-traiter", "À traiter"),
)


class CaseIndex:
    """One page of the index for one request: the list it names, its count, its rows and its tabs."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.user = request.user
        self.state = ListState.from_query(request.GET)
        self.cases = filtered_cases(self.user, self.state)
        self.several_authorities = len(agent_authorities(self.user)) > 1

    def count(self) -> tuple[int, bool, int | None]:
        """How many cases the list holds, whether the count stopped at its limit, and (default order only)
        how many of them have messages to process."""
        if self.state.searched:
            found = count_up_to(self.cases, SEARCH_COUNT_LIMIT + 1)
            return min(found, SEARCH_COUNT_LIMIT), found > SEARCH_COUNT_LIMIT, None
        totals = {"count": Count("pk")}
        if self.state.default_order:
            totals["flagged"] = Count("pk", filter=Q(has_unprocessed()))
        counted = self.cases.order_by().aggregate(**totals)
        return counted["count"], False, counted.get("flagged")

    def page_number(self, num_pages: int) -> int:
        try:
            number = int(self.request.GET.get("p", 1))
        except ValueError:
            number = 1
        return min(max(number, 1), max(num_pages, 1))

    def rows(self, cases: list[Case]) -> list[dict]:
        events = CaseEvent.objects.filter(pk__in=[case.last_event_id for case in cases if case.last_event_id])
        newest = {event.pk: event for event in events.select_related("actor")} if cases else {}
        rows = []
        for case in cases:
            event = newest.get(case.last_event_id)
            rows.append(
                {
                    "case": case,
                    "url": case_link(case.number, self.state),
                    "subject": subject(case.description),
                    "citizen": case.citizen.full_name if hasattr(case, "citizen") else "—",
                    "due_state": None if case.is_closed or not case.due_date else due_state(case.due_date),
                    "event": event,
                    "author": activity_author(event) if event else "",
                    "can_take": case.assignee_id is None and not case.is_closed,
                }
            )
        return rows

    def columns(self) -> list[dict]:
        columns = list(COLUMNS)
        if self.several_authorities:
            columns.insert(2, ("collectivite", "Collectivité"))
        headers = []
        for key, label in columns:
            url, current = self.state.sort_link(key)
            headers.append({"key": key, "label": label, "url": url, "order": current})
        return headers

    def context(self) -> dict:
        count, more, flagged = self.count()
        paginator = CountedPaginator(count, PAGE_SIZE)
        number = self.page_number(paginator.num_pages)
        start = (number - 1) * PAGE_SIZE
        cases = page_rows(self.state, self.cases, flagged, start, min(start + PAGE_SIZE, count))
        if self.state.searched:
            # That a search happened, over which authorities' cases; never its term, which names people.
            targets = audit.authority_targets([authority.pk for authority in agent_authorities(self.user)])
            audit.record_many(self.request, audit.Action.SEARCHED, targets)
        page = paginator.page(number)
        tabs = saved_views.tabs(self.user, self.state)
        current_tab = next((tab for tab in tabs if tab.current), None)
        return {
            "state": self.state,
            "form": FilterForm(self.user, self.state),
            "tabs": tabs,
            "current_tab": current_tab,
            "page_title": current_tab.label if current_tab else "Dossiers",
            "columns": self.columns(),
            "rows": self.rows(cases),
            "object_list": cases,
            "paginator": paginator,
            "result_count": count,
            "count_label": MORE_RESULTS_LABEL if more else f"{count} dossier{'s' if count > 1 else ''}",
            "page_obj": page,
            "pages": [
                {"number": n, "url": self.state.url(p=n) if n != paginator.ELLIPSIS else None}
                for n in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
            ],
            "previous_url": self.state.url(p=number - 1) if page.has_previous() else None,
            "next_url": self.state.url(p=number + 1) if page.has_next() else None,
            "last_page": paginator.num_pages,
            "several_authorities": self.several_authorities,
            "any_case": bool(count) or any(tab.count for tab in tabs if tab.query == ALL_CASES),
            "intake_url": optional_url("case_intake"),
            "all_states_url": self.state.url(etat=ALL) if self.state.searched and self.state.etat != ALL else None,
            "here": self.request.get_full_path(),
            "save_view": saved_views.save_form_context(self.user, self.state),
            "bulk": bulk_context(self.user),
            "DueState": DueState,
        }


def bulk_context(user) -> dict:
    return {"form": BulkForm(user), "url": reverse("case_bulk")}


def canonical_url(request: HttpRequest, state: ListState) -> str | None:
    """The list's own URL when the request names it otherwise (the filter form sends its empty fields and
    its defaults, old links say `vue=`), so that one list has one URL: the tabs, saved views and the case
    page's previous / next recognise it."""
    page = request.GET.get("p", "")
    canonical = state.query_string(p="" if page == "1" else page)
    asked = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    if sorted(pair for pair in asked if pair != ("p", "1")) == sorted(parse_qsl(canonical)):
        return None
    return list_url(canonical)


def case_index(request: HttpRequest) -> HttpResponse:
    """The case index; 404 for anyone who is an agent nowhere (as every case URL)."""
    if not can_use_index(request.user):
        raise Http404("Dossiers introuvables.")
    index = CaseIndex(request)
    elsewhere = canonical_url(request, index.state)
    if elsewhere:
        return redirect(elsewhere)
    return TemplateResponse(request, "workspace/index.html", index.context())
