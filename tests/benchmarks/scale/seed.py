"""Seed the scale database with PostgreSQL COPY, from the project's own models, then index with production's code.

Each case comes with its citizen, two notes, one inbound message (and its link) and one event, spread over
AUTHORITIES authorities, each with its members. Rows are unsaved model instances: every column gets its
model default and its `pre_save` (auto_now…) and `get_db_prep_save` value, so a new model field is seeded
without editing this module. Cases and messages get their keys here (COPY returns none, their
rows need them), then their sequences move on.
The search rows are written by `cases.search.document.reindex_cases`, the statement production runs.
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
from cases.search.document import reindex_cases

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


def copy_rows(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """COPY the instances into the model's table, every concrete column as Django would save it.

    Instances without a primary key leave that column to its sequence.
    """
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and objects[0].pk is None)]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    statement = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for obj in objects:
            copy.write_row([field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields])


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def move_sequences(*models_: type[models.Model]) -> None:
    """COPY gave the keys itself: the sequences start after them, for the requests that follow."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(statement)


def build_chunk(rng: random.Random, first_case: int, first_message: int, size: int, authorities, agents):
    """The rows of `size` cases numbered from first_case: cases, citizens, notes, messages, links, events."""
    today = timezone.localdate()
    cases, citizens, notes, messages, links, events = [], [], [], [], [], []
    for offset in range(size):
        number, slot = first_case + offset, (first_case + offset) % len(authorities)
        case = Case(
            number=number,
            authority=authorities[slot],
            assignee=agents[slot] if rng.random() < 0.3 else None,
            status=rng.choice(OPEN_STATUSES),
            channel=rng.choice(Channel.values),
            description=f"Demande n°{number} : {rng.choice(TOPICS)}, {rng.choice(TOPICS)}."
            + (f" Un {RARE_WORD} dans le jardin." if number % 10_000 == 100 else ""),
            due_date=today + timezone.timedelta(days=rng.randint(-10, 60)) if rng.random() < 0.4 else None,
        )
        cases.append(case)
        email = f"usager{number}@exemple.fr"
        citizens.append(
            Citizen(
                case=case,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=email,
            )
        )
        notes += [
            Note(case=case, date=today, content=f"<p>Appel du requérant au sujet de {rng.choice(TOPICS)}</p>"),
            Note(case=case, date=today, content=f"<p>Courrier envoyé à l'administration (réf. {number}).</p>"),
        ]
        message = Message(
            id=first_message + offset,
            direction=Message.Direction.IN,
            status=Message.State.RECEIVED,
            from_email=email,
            subject=f"Re: dossier n°{number}",
            text=f"Bonjour, voici les précisions sur {rng.choice(TOPICS)}.",
            message_id=f"<{number}.scale@exemple.fr>",
        )
        messages.append(message)
        links.append(MessageCase(message=message, case=case, processed=False))
        events.append(CaseEvent(case=case, kind=CaseEvent.Kind.CREATED, data={}))
    return cases, citizens, notes, messages, links, events


def grow(target: int, authorities: list[Authority]) -> float:
    """Add cases until there are `target`; returns the seconds spent (COPY, then indexing, then ANALYZE)."""
    started = time.perf_counter()
    agents = [Membership.objects.get(authority=a, role=Role.AGENT).user for a in authorities]
    rng = random.Random(target)
    have = Case.objects.count()
    while have < target:
        size = min(CHUNK, target - have)
        first_case, first_message = next_id(Case), next_id(Message)
        rows = build_chunk(rng, first_case, first_message, size, authorities, agents)
        with transaction.atomic():
            for model, objects in zip((Case, Citizen, Note, Message, MessageCase, CaseEvent), rows, strict=True):
                copy_rows(model, objects)
        have += size
    move_sequences(Case, Message)
    index_missing()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def index_missing() -> None:
    """Write the search rows of the cases that have none, in chunks, with production's statement."""
    missing = list(Case.objects.filter(search__isnull=True).order_by("number").values_list("number", flat=True))
    for chunk in chunks(missing, REINDEX_CHUNK):
        with transaction.atomic():
            reindex_cases(chunk)


def chunks(items: Iterable[int], size: int) -> Iterable[list[int]]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
