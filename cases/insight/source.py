"""The one pseudonymised source of the statistics, the exports, the public figures and the annual report.

One row per case with the original product's analytics columns (its SQL view `CaseAnalytics`, reference
§2.9), as a queryset: `rows(cases, *names)` selects the named columns (all of them by default) of the cases
given, already scoped and filtered by the caller. Nothing here reads a citizen's names, email address,
phone, street, the request's description, notes or messages: the citizen is known by whether an email was
given, gender, representation, city, postal code and country, as in the original. Every figure (figures.py)
and every export (export.py) reads its columns from here, so a page can never show what the export would
not, and a column added here is the one place to check.

A queryset rather than a database view: it runs unchanged on PostgreSQL and on the embedded SQLite default,
and a view would stand in the way of every later migration of the cases table (SQLite rebuilds tables,
PostgreSQL refuses to change a column a view reads). Only the columns asked for are joined, so a count by
status reads the cases table alone.

Beyond the original's columns, `first_answer_at` (when an agent first wrote to the citizen) gives the delay
to a first answer; `authority_id`, `assignee_id` and `domain_id` are keys the filters and the load per agent
group by. None names a citizen.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.db import models
from django.db.models import Expression, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Concat

from authorities.models import Authority
from cases.choices import Channel, Gender, Originator, Outcome, Representation, Status
from cases.models import Case
from cases.regions import country_choices


@dataclass(frozen=True)
class Column:
    """A column of the source: its key in the rows (a model path unless `expression` is given), what it holds."""

    name: str
    header: str  # the export's French header (reference §8); empty for the keys the export leaves out
    kind: str = "text"  # text, date, boolean or choice
    labels: Callable[[], dict] | None = None  # a choice column's French labels
    expression: Expression | None = None  # None: `name` is a path of the case model


def level(field: str, top: bool) -> Expression:
    """The first or second level of a two-level list item (a top-level item has no second level)."""
    if top:
        return Coalesce(F(f"{field}__parent__name"), F(f"{field}__name"))
    return models.Case(When(**{f"{field}__parent__isnull": False}, then=F(f"{field}__name")), default=Value(None))


def labels_of(choices) -> Callable[[], dict]:
    return cache(lambda: {value: str(label) for value, label in (choices() if callable(choices) else choices)})


TEXT, DATE, BOOLEAN, CHOICE = "text", "date", "boolean", "choice"
COLUMNS: tuple[Column, ...] = (
    Column("number", "N° dossier"),
    Column("authority__name", "Collectivité"),
    Column("authority__type", "Type de collectivité", CHOICE, labels_of(Authority.Type.choices)),
    Column("created_at", "Date de la demande", DATE),
    Column("updated_at", "Date de dernière mise à jour", DATE),
    Column("due_date", "Date d'échéance", DATE),
    Column("closed_at", "Date de clôture", DATE),
    Column("status", "Avancement du dossier", CHOICE, labels_of(Status.choices)),
    Column("channel", "Mode de saisine", CHOICE, labels_of(Channel.choices)),
    Column("originator", "Origine de la demande", CHOICE, labels_of(Originator.choices)),
    Column("competent", "Collectivité compétente", BOOLEAN),
    Column("primary_domain", "Domaine principal", expression=level("domain", top=True)),
    Column("secondary_domain", "Domaine secondaire", expression=level("domain", top=False)),
    Column("primary_third_party", "Entité compétente principale", expression=level("competent_third_party", True)),
    Column("secondary_third_party", "Entité compétente secondaire", expression=level("competent_third_party", False)),
    Column(
        "assignee_name",
        "Assigné",
        expression=models.Case(
            When(assignee__isnull=False, then=Concat("assignee__first_name", Value(" "), "assignee__last_name")),
            default=Value(None),
        ),
    ),
    Column("prior_complaint", "1ère réclamation faite", BOOLEAN),
    Column("prior_complaint_answered", "Réponse à la 1ère réclamation", BOOLEAN),
    Column("face_to_face", "Échanges en présentiel", BOOLEAN),
    Column("outcome", "Type de clôture", CHOICE, labels_of(Outcome.choices)),
    Column("agreement", "Accord des parties", BOOLEAN),
    Column("court_next", "Poursuite au tribunal administratif", BOOLEAN),
    Column(
        "citizen_has_email",
        "Email renseigné",
        BOOLEAN,
        expression=models.Case(When(~Q(citizen__email=""), then=Value(True)), default=Value(False)),
    ),
    Column("citizen__gender", "Identité de genre", CHOICE, labels_of(Gender.choices)),
    Column("citizen__representation", "Type d'usager", CHOICE, labels_of(Representation.choices)),
    Column("citizen__city", "Ville"),
    Column("citizen__postal_code", "Code postal"),
    Column("citizen__country", "Pays", CHOICE, labels_of(country_choices)),
    # Not in the original's view: the delay to a first answer, and the keys the filters and groupings use.
    Column("first_answer_at", "Date de première réponse au requérant", DATE),
    Column("authority_id", ""),
    Column("assignee_id", ""),
    Column("domain_id", ""),
)
BY_NAME = {column.name: column for column in COLUMNS}
# What an export prints: every column with a header, in the original's order.
EXPORTED = tuple(column for column in COLUMNS if column.header)


def rows(cases: QuerySet[Case], *names: str) -> QuerySet:
    """The cases as dictionaries of the named columns (all of them by default), keyed by column name, unordered."""
    selected = [BY_NAME[name] for name in names] if names else COLUMNS
    paths = [column.name for column in selected if column.expression is None]
    expressions = {column.name: column.expression for column in selected if column.expression is not None}
    return cases.order_by().values(*paths, **expressions)
