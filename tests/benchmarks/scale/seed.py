"""Seed the scale database with PostgreSQL COPY, from the project's own models, then index with production's code.

Each case comes with its citizen, two notes, one inbound message (and its link) and one event, spread over
AUTHORITIES authorities, each with its members. The rows give the columns the seed varies (GIVEN); every
other column gets the model's default (`Table`), so a new model field is seeded without editing this
module. Cases and messages get their keys here (COPY returns none, their rows need them), then their
sequences move on. The search rows are written by the statement production's `rebuild_case_search` runs
(`cases.search.document.reindex_sql`), by ranges of case numbers once the tables are analysed.
"""

import random
import time
from collections.abc import Iterable, Sequence

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from authorities.models import Authority, Membership, Role, User
from cases.choices import Channel, Status
from cases.models import Case, CaseEvent, Citizen, Message, MessageCase, Note
from cases.search.document import BY_RANGE, MAX_SOURCE_CHARS, SEARCH_CONFIG, reindex_sql

AUTHORITIES = 100
PASSWORD = "banc-d-essai-national-42"
CHUNK = 20_000
REINDEX_CHUNK = 5_000
MEMBERS = ((Role.MAIN_AGENT, "principal"), (Role.AGENT, "agent"), (Role.EDITOR, "editeur"))

FIRST_NAMES = ["Camille", "Léa", "Hugo", "Louis", "Chloé", "Inès", "Jules", "Manon", "Nathan", "Sarah"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"]
TOPICS = [
    "facture d'eau contestée",
    "stationnement devant l'école",
    "place en crèche refusée",
    "nuisances sonores d'un chantier",
    "permis de construire en attente",
    "aide sociale suspendue",
    "logement social non attribué",
    "ramassage des déchets oublié",
]
RARE_WORD = "ornithorynque"  # in one case out of 10,000, all of the first authority (number % 10,000 == 100)
OPEN_STATUSES = [Status.TO_PROCESS, Status.CONTACT_REQUESTER, Status.WAITING_FOR_REQUESTER]


def agent_email(authority_index: int, member: str = "agent") -> str:
    return f"{member}{authority_index}@banc-national.fr"


def ensure_authorities() -> list[Authority]:
    """The authorities, created as the admin does (the signal builds each one's page section), and their members."""
    existing = list(Authority.objects.filter(slug__startswith="banc-").order_by("pk"))
    if len(existing) == AUTHORITIES:
        return existing
    password = make_password(PASSWORD)  # hashed once: 300 PBKDF2 runs would cost minutes
    for index in range(len(existing), AUTHORITIES):
        with transaction.atomic():
            authority = Authority.objects.create(name=f"Banc national {index}", slug=f"banc-{index}")
            for role, member in MEMBERS:
                user = User.objects.create(
                    email=agent_email(index, member),
                    first_name=member.title(),
                    last_name=f"N{index}",
                    password=password,
                )
                Membership.objects.create(user=user, authority=authority, role=role)
    return list(Authority.objects.filter(slug__startswith="banc-").order_by("pk"))


class Table:
    """COPY into a model's table. The seed gives the columns it varies (`given`: attnames, values as the
    database takes them); every other column gets what Django saves for a new instance, its default or its
    `pre_save` (auto_now…), computed once per chunk: a new model field is seeded without editing this module.
    A primary key not given is left to its sequence."""

    def __init__(self, model: type[models.Model], given: Sequence[str]) -> None:
        template = model()
        fields = [f for f in model._meta.concrete_fields if f.attname in given or not f.primary_key]
        self.model = model
        self.columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        self.base = [
            None if field.attname in given else field.get_db_prep_save(field.pre_save(template, True), connection)
            for field in fields
        ]
        attnames = [field.attname for field in fields]
        self.positions = [attnames.index(name) for name in given]

    def copy(self, rows: Iterable[tuple]) -> None:
        statement = f"COPY {self.model._meta.db_table} ({self.columns}) FROM STDIN"  # noqa: S608 (model names)
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                values = self.base.copy()
                for position, value in zip(self.positions, row, strict=True):
                    values[position] = value
                copy.write_row(values)


# The columns each table's rows give, in this order (build_chunk), the rest left to the models.
GIVEN = {
    Case: ("number", "authority_id", "assignee_id", "status", "channel", "description", "due_date"),
    Citizen: ("case_id", "first_name", "last_name", "email"),
    Note: ("case_id", "date", "content"),
    Message: ("id", "direction", "status", "from_email", "subject", "text", "message_id"),
    MessageCase: ("message_id", "case_id", "processed"),
    CaseEvent: ("case_id", "kind"),
}


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def move_sequences(*models_: type[models.Model]) -> None:
    """COPY gave the keys itself: the sequences start after them, for the requests that follow."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(statement)


def build_chunk(rng: random.Random, first_case: int, first_message: int, size: int, authority_ids, agent_ids):
    """The rows (GIVEN's columns) of `size` cases numbered from first_case: cases, citizens, notes,
    messages, links, events."""
    today = timezone.localdate()
    rows = {model: [] for model in GIVEN}
    received, incoming, created = Message.State.RECEIVED, Message.Direction.IN, CaseEvent.Kind.CREATED
    for offset in range(size):
        number, slot = first_case + offset, (first_case + offset) % len(authority_ids)
        description = f"Demande n°{number} : {rng.choice(TOPICS)}, {rng.choice(TOPICS)}." + (
            f" Un {RARE_WORD} dans le jardin." if number % 10_000 == 100 else ""
        )
        due = today + timezone.timedelta(days=rng.randint(-10, 60)) if rng.random() < 0.4 else None
        assignee = agent_ids[slot] if rng.random() < 0.3 else None
        status, channel = rng.choice(OPEN_STATUSES), rng.choice(Channel.values)
        rows[Case].append((number, authority_ids[slot], assignee, status, channel, description, due))
        email = f"usager{number}@exemple.fr"
        rows[Citizen].append((number, rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), email))
        rows[Note].append((number, today, f"<p>Appel du requérant au sujet de {rng.choice(TOPICS)}</p>"))
        rows[Note].append((number, today, f"<p>Courrier envoyé à l'administration (réf. {number}).</p>"))
        message = first_message + offset
        text = f"Bonjour, voici les précisions sur {rng.choice(TOPICS)}."
        subject, message_id = f"Re: dossier n°{number}", f"<{number}.scale@exemple.fr>"
        rows[Message].append((message, incoming, received, email, subject, text, message_id))
        rows[MessageCase].append((message, number, False))
        rows[CaseEvent].append((number, created))
    return rows


def grow(target: int, authorities: list[Authority]) -> float:
    """Add cases until there are `target`; returns the seconds spent (COPY, ANALYZE, indexing, ANALYZE).

    The search rows are written once the tables are analysed: on freshly copied tables the planner
    would take them for empty and run production's statement case by case (25 times slower)."""
    started = time.perf_counter()
    authority_ids = [authority.pk for authority in authorities]
    agents = dict(
        Membership.objects.filter(authority__in=authorities, role=Role.AGENT).values_list("authority_id", "user_id")
    )
    agent_ids = [agents[pk] for pk in authority_ids]
    rng = random.Random(target)
    have, first_new = Case.objects.count(), next_id(Case)
    while have < target:
        size = min(CHUNK, target - have)
        first_case, first_message = next_id(Case), next_id(Message)
        rows = build_chunk(rng, first_case, first_message, size, authority_ids, agent_ids)
        with transaction.atomic():
            for model, given in GIVEN.items():
                Table(model, given).copy(rows[model])
        have += size
    move_sequences(Case, Message)
    analyze()
    index_range(first_new, next_id(Case) - 1)
    analyze()
    return time.perf_counter() - started


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def index_range(first: int, last: int) -> None:
    """Write the search rows of the cases numbered first…last, a committed range at a time, with the
    statement production's `rebuild_case_search` runs."""
    for start in range(first, last + 1, REINDEX_CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            parameters = {"config": SEARCH_CONFIG, "max": MAX_SOURCE_CHARS, "first": start}
            cursor.execute(reindex_sql(BY_RANGE), {**parameters, "last": min(start + REINDEX_CHUNK - 1, last)})
