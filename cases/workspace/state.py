"""The case index's URL state: which cases a list holds and in what order, read from its query string.

Everything that names a list of cases goes through here: the index itself
(cases/workspace/index.py), its saved views (tabs), its bulk actions, and the case
page's « previous / next case of the current list ». Parsing reads no database:
a filter naming something outside the user's authorities (a domain, an agent, an
authority) only narrows `cases_for`, it never widens it.

Parameters (all optional; the defaults are left out of the URLs):
- `q`: a case number or words (cases/search/);
- `etat`: `ouverts` (the default), `clotures` or `tous`;
- `avancement`: a status; `saisine`: a channel; `domaine`: a top-level domain or a child (id);
- `mediateur`: `moi`, `aucun` (unassigned) or an agent's id; `collectivite`: an authority's id;
- `tri`: a column of `SORTS`, `-` first for the reverse order; without it, cases with messages
  to process first, then by due date (soonest first, none last), then newest first;
- `p`: the page (the index's only; never part of a list's identity).
`vue=mes-dossiers` and `vue=non-assignes`, from links already sent in digests, still
read as `mediateur=moi` and `mediateur=aucun`, and the former index's `status__exact` and
`channel__exact` (still the statistics' names, cases/insight/forms.py) as `avancement` and `saisine`.

For the case page: the index links each row with `case_link(number, state)`, i.e.
`/admin/dossiers/<N>/?liste=<the list's query string>`; `list_and_order(user, liste)` gives that
list's cases and its order as expressions, from which cases/views/neighbours.py reads the previous
and next case in one query; `list_url(ListState.from_query(liste).query_string())` leads back to it.
"""

import dataclasses
from urllib.parse import urlencode

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as Choose
from django.http import QueryDict
from django.urls import reverse

from cases.access import agent_authorities, cases_for
from cases.choices import Channel, Status
from cases.models import Case, CaseEvent, Domain, MessageCase
from cases.search import search_cases

OPEN, CLOSED, ALL = "ouverts", "clotures", "tous"
STATES = {OPEN: "Ouverts", CLOSED: "Clôturés", ALL: "Tous"}
ME, NOBODY = "moi", "aucun"
LIST_PARAM = "liste"
LEGACY_VIEWS = {"mes-dossiers": ME, "non-assignes": NOBODY}

# The index's order after the cases with messages to process (index case_authority_due_order).
DUE_ORDER = (F("due_date").asc(nulls_last=True), F("number").desc())


def last_activity():
    """When the case's timeline last moved (its newest event)."""
    return Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-created_at", "-pk").values("created_at")[:1]
    )


def status_rank() -> Choose:
    """The statuses in the order a case goes through them (« À traiter » … « Clôture »), not alphabetically."""
    ranks = [When(status=value, then=Value(rank)) for rank, value in enumerate(Status.values)]
    return Choose(*ranks, output_field=IntegerField())


# Sort key of `tri` → what it orders by (ascending), a case number breaking ties.
SORTS = {
    "numero": ("number",),
    "requerant": ("citizen__last_name", "citizen__first_name"),
    "objet": ("description",),
    "domaine": ("domain__name",),
    "avancement": (status_rank(),),
    "mediateur": ("assignee__last_name", "assignee__first_name"),
    "echeance": ("due_date",),
    "activite": ("last_activity_at",),
    "a-traiter": ("unprocessed_count",),
    "collectivite": ("authority__name",),
}


def int_or_none(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def choice(params: QueryDict, name: str, former: str, values: list[str]) -> str:
    value = params.get(name) or params.get(former, "")
    return value if value in values else ""


@dataclasses.dataclass(frozen=True)
class ListState:
    """One list of the index: its filters and its sort (never its page)."""

    q: str = ""
    etat: str = OPEN
    avancement: str = ""
    saisine: str = ""
    domaine: int | None = None
    mediateur: str = ""  # ME, NOBODY or an agent's id as text
    collectivite: int | None = None
    tri: str = ""

    @classmethod
    def from_query(cls, query: QueryDict | str) -> "ListState":
        """The state a query string names; unknown or malformed values are ignored (the default applies)."""
        params = QueryDict(query) if isinstance(query, str) else query
        mediateur = params.get("mediateur", "") or LEGACY_VIEWS.get(params.get("vue", ""), "")
        if mediateur not in (ME, NOBODY):
            mediateur = str(int_or_none(mediateur) or "")
        tri = params.get("tri", "")
        return cls(
            q=params.get("q", "").strip()[:200],
            etat=params.get("etat") if params.get("etat") in STATES else OPEN,
            avancement=choice(params, "avancement", "status__exact", Status.values),
            saisine=choice(params, "saisine", "channel__exact", Channel.values),
            domaine=int_or_none(params.get("domaine")),
            mediateur=mediateur,
            collectivite=int_or_none(params.get("collectivite")),
            tri=tri if tri.removeprefix("-") in SORTS else "",
        )

    def params(self) -> dict[str, str]:
        """The non-default parameters, in a fixed order: two equal states give the same query string."""
        defaults = ListState()
        values = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        return {name: str(value) for name, value in values.items() if value != getattr(defaults, name)}

    def query_string(self, **changes) -> str:
        """The state's query string, with `changes` applied (`p=2`, `tri="-echeance"`, `q=""`)."""
        params = self.params()
        for name, value in changes.items():
            if value in ("", None) or (name != "p" and value == getattr(ListState(), name)):
                params.pop(name, None)
            else:
                params[name] = str(value)
        return urlencode(params)

    def url(self, **changes) -> str:
        return list_url(self.query_string(**changes))

    @property
    def searched(self) -> bool:
        return bool(self.q)

    @property
    def default_order(self) -> bool:
        """Cases with messages to process first: the order of a list neither sorted nor searched."""
        return not self.tri and not self.q

    @property
    def narrowed(self) -> bool:
        """Anything more than the default « open cases » of the user's authorities."""
        return bool(set(self.params()) - {"tri"})

    def sort_link(self, key: str) -> tuple[str, str | None]:
        """The URL a column header links to (ascending first, then reversed) and the column's current order."""
        current = None
        if self.tri.removeprefix("-") == key:
            current = "descending" if self.tri.startswith("-") else "ascending"
        return self.url(tri=f"-{key}" if current == "ascending" else key), current


def index_url(**params) -> str:
    """The case index, with state parameters (`mediateur=ME`, `etat=ALL` …)."""
    url = reverse("case_index")
    query = ListState.from_query(urlencode(params)).query_string() if params else ""
    return f"{url}?{query}" if query else url


def list_url(query: str) -> str:
    """The index showing the list of a (canonical) query string."""
    return index_url() + (f"?{query}" if query else "")


def filter_condition(state: ListState, user) -> Q:
    """The state's filters (all but the search) as one condition on the user's cases."""
    condition = Q()
    if state.etat == OPEN:
        condition &= Q(closed_at__isnull=True)
    elif state.etat == CLOSED:
        condition &= Q(closed_at__isnull=False)
    if state.avancement:
        condition &= Q(status=state.avancement)
    if state.saisine:
        condition &= Q(channel=state.saisine)
    if state.domaine:
        # A top-level domain includes its children.
        children = Domain.objects.filter(Q(pk=state.domaine) | Q(parent_id=state.domaine)).values("pk")
        condition &= Q(domain_id__in=children)
    if state.mediateur == ME:
        condition &= Q(assignee_id=user.pk)
    elif state.mediateur == NOBODY:
        condition &= Q(assignee__isnull=True)
    elif state.mediateur:
        condition &= Q(assignee_id=int(state.mediateur))
    if state.collectivite:
        condition &= Q(authority_id=state.collectivite)
    return condition


def filtered_cases(user, state: ListState) -> QuerySet[Case]:
    """The list's cases, unordered (but for a search's own order, words first): scoped by `cases_for`."""
    cases = cases_for(user).filter(filter_condition(state, user))
    if "activite" in state.tri:
        cases = cases.annotate(last_activity_at=last_activity())
    if "a-traiter" in state.tri:
        cases = cases.with_unprocessed_count()
    cases = cases.order_by(*sort_order(state))
    if state.searched:
        cases = search_cases(cases, state.q, [authority.pk for authority in agent_authorities(user)])
    return cases


def unprocessed_first() -> ExpressionWrapper:
    """Rows annotated with `unprocessed_count` (`with_unprocessed_count`), those with messages to process first."""
    return ExpressionWrapper(Q(unprocessed_count__gt=0), output_field=BooleanField()).desc()


def sort_order(state: ListState) -> list:
    """The order of a sorted list (the chosen column, then the case number); the index's default otherwise."""
    if not state.tri:
        return list(DUE_ORDER)
    key = state.tri.removeprefix("-")
    descending = state.tri.startswith("-")
    fields = [F(field) if isinstance(field, str) else field for field in SORTS[key]]
    order = [field.desc(nulls_last=True) if descending else field.asc(nulls_last=True) for field in fields]
    if key != "numero":
        order.append(F("number").desc())
    return order


def has_unprocessed() -> Exists:
    """The case has an inbound message still to process."""
    return Exists(MessageCase.objects.filter(case=OuterRef("pk"), processed=False))


def list_and_order(user, query: QueryDict | str) -> tuple[QuerySet[Case], list]:
    """The list a query string names and the order the index shows it in, as expressions: for a window
    over the list (the case page's previous / next, cases/views/neighbours.py) or `order_by`.

    The default order is given here by whether a case has messages to process; the index itself pages
    it without sorting the whole list (`UnprocessedFirst`).
    """
    state = ListState.from_query(query)
    cases = filtered_cases(user, state)
    order = list(cases.query.order_by)
    if state.default_order:
        order.insert(0, has_unprocessed().desc())
    return cases.order_by(), order


def case_link(number: int, state: ListState) -> str:
    """A row's link to the case page, carrying its list for « previous / next »."""
    url = reverse("case:detail", args=[number])
    query = state.query_string()
    return f"{url}?{urlencode({LIST_PARAM: query})}" if query else url
