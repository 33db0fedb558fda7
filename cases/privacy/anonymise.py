"""Anonymising closed cases once their retention period has ended (the nightly job, cases/privacy/tasks.py).

What names a person goes; what the statistics read stays:
- erased: the citizen's names, email, phone and street; the description and the internal
  conclusion; the notes; the subjects, bodies, addresses and errors of the case's messages
  (outbox rows included) and the raw inbound emails they came from; the bytes, names and
  hashes of every document; the personal values in the timeline (field values other than the
  kept ones, note titles, file names, recipients, subjects, hold reasons);
- kept: dates, status, channel, originator, domain, third party, outcome and the closing
  booleans, the citizen's gender, representation, postal code, city and country, the events
  themselves (who did what when), the document types and sizes.

The case's search row is rewritten from what is left, and its Mailjet parse route removed after
commit. A message shared with a case that is not anonymised stays with that case: this one only
loses its link to it.

Each batch is one short transaction over at most `BATCH_SIZE` cases whose rows it locks
(`SKIP LOCKED`: a case an agent is changing right now waits for the next night). The due
conditions are checked again under the lock, so a case reopened or held meanwhile is left
alone. `anonymised_at` is set in the same transaction, so a job killed midway leaves each case
either done or untouched, and a second run finds nothing to do. Each batch writes one audit-log row per
case it anonymised (`record_many`: three statements, last in the transaction).
"""

import datetime
import logging

from django.db import models, transaction
from django.db.models import CharField, F, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from cases import audit
from cases.citizen.keys import forget_access
from cases.mail.routes import mailjet_routes_enabled
from cases.models import (
    Attachment,
    AttachmentContent,
    Case,
    CaseEvent,
    Citizen,
    InboundEmail,
    Message,
    MessageCase,
    Note,
)
from cases.privacy.retention import due_cases
from cases.search import reindex_now

logger = logging.getLogger(__name__)

BATCH_SIZE = 200

# Values the timeline keeps in a change: the fields statistics read, and who the case was assigned to.
KEPT_FIELDS = frozenset(
    {
        "status",
        "channel",
        "originator",
        "prior_complaint",
        "prior_complaint_answered",
        "competent",
        "domain",
        "competent_third_party",
        "due_date",
        "closed_at",
        "outcome",
        "face_to_face",
        "agreement",
        "court_next",
        "gender",
        "representation",
        "postal_code",
        "city",
        "country",
        "assignee",
    }
)
# What an event's data keeps besides its changes: counts and the ids of rows, never a text.
KEPT_DATA = frozenset({"channel", "documents", "messages", "message"})


def scrubbed_change(change: dict) -> dict:
    if change.get("field") in KEPT_FIELDS:
        return change
    return {"field": change.get("field", ""), "label": change.get("label", ""), "erased": True}


def scrubbed_data(data: dict) -> dict:
    """An event's data without its personal values (a change to the citizen's name says only « Nom »)."""
    kept = {key: value for key, value in data.items() if key in KEPT_DATA}
    if data.get("changes"):
        kept["changes"] = [scrubbed_change(change) for change in data["changes"]]
    return kept


def anonymise_due(now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Anonymise every case due at `now`, batch after batch; returns how many were anonymised."""
    now = now or timezone.now()
    total, after = 0, 0
    while True:
        numbers = list(
            due_cases(now).filter(number__gt=after).order_by("number").values_list("number", flat=True)[:batch_size]
        )
        if not numbers:
            break
        total += anonymise_batch(numbers, now)
        after = numbers[-1]
    logger.info("Anonymisation: %d dossier(s) anonymisé(s).", total)
    return total


@transaction.atomic
def anonymise_batch(
    numbers: list[int], now: datetime.datetime, eligible: QuerySet[Case] | None = None, actor=None
) -> int:
    """Anonymise those of these cases that are still due (or still `eligible`: an erasure request's cases),
    under their row locks; returns how many. `actor` is who asked (an erasure request), None for the job."""
    eligible = due_cases(now) if eligible is None else eligible
    rows = list(
        eligible.filter(number__in=numbers)
        .select_for_update(skip_locked=True, of=("self",))
        .only("number", "authority_id")
    )
    if not rows:
        return 0
    locked = [case.number for case in rows]
    erase_case_texts(locked, now)
    erase_messages(locked)
    erase_documents(locked)
    erase_timeline(locked)
    forget_access(locked)
    CaseEvent.objects.bulk_create([CaseEvent(case_id=number, kind=CaseEvent.Kind.ANONYMISED) for number in locked])
    reindex_now(locked)
    if mailjet_routes_enabled():
        remove_routes_after_commit(locked)
    audit.record_many(actor, audit.Action.CASE_ANONYMISED, rows)  # one row per case
    return len(locked)


def erase_case_texts(numbers: list[int], now: datetime.datetime) -> None:
    Case.objects.filter(number__in=numbers).update(
        description="", conclusion="", hold_reason="", anonymised_at=now, updated_at=now
    )
    Citizen.objects.filter(case_id__in=numbers).update(first_name="", last_name="", email="", phone="", street="")
    Note.objects.filter(case_id__in=numbers).delete()


def erase_messages(numbers: list[int]) -> None:
    """Scrub the messages of these cases; those also on a case kept as is only lose their link here."""
    links = MessageCase.objects.filter(case_id__in=numbers)
    shared = (
        MessageCase.objects.filter(message_id__in=links.values("message_id"))
        .exclude(case_id__in=numbers)
        .filter(case__anonymised_at__isnull=True)
        .values("message_id")
    )
    links.filter(message_id__in=shared).delete()
    own = Message.objects.filter(case_links__case_id__in=numbers).distinct().values("pk")
    InboundEmail.objects.filter(message_id__in=own).delete()
    AttachmentContent.objects.filter(attachment__message_id__in=own).delete()
    Attachment.objects.filter(message_id__in=own).update(name="", sha256="", inline_cid="")
    unsent = [Message.State.QUEUED, Message.State.SENDING]
    Message.objects.filter(pk__in=own).update(
        from_email="",
        to=[],
        cc=[],
        subject="",
        text="",
        html="",
        full_html="",
        fingerprint="",
        content_subject="",
        content_html="",
        rejected_files=[],
        in_reply_to="",
        references="",
        error="",
        # An inbound Message-ID names the sender's mail service, and must stay unique per sender.
        message_id=models.Case(
            When(
                direction=Message.Direction.IN, then=Concat(Value("<anonymise-"), Cast("pk", CharField()), Value(">"))
            ),
            default=F("message_id"),
        ),
        # Nothing is sent to nobody: a message still waiting in the outbox is given up.
        status=models.Case(When(status__in=unsent, then=Value(Message.State.FAILED)), default=F("status")),
        next_attempt_at=None,
    )


def erase_documents(numbers: list[int]) -> None:
    AttachmentContent.objects.filter(attachment__case_id__in=numbers).delete()
    Attachment.objects.filter(case_id__in=numbers).update(name="", sha256="", inline_cid="")


def erase_timeline(numbers: list[int]) -> None:
    events = list(CaseEvent.objects.filter(case_id__in=numbers).only("pk", "data"))
    for event in events:
        event.data = scrubbed_data(event.data or {})
    CaseEvent.objects.bulk_update(events, ["data"], batch_size=500)


def remove_routes_after_commit(numbers: list[int]) -> None:
    from cases.mail.tasks import delete_parse_route  # the route tasks live with the other mail tasks

    addresses = [Case(number=number).reply_address for number in numbers]
    transaction.on_commit(lambda: [delete_parse_route(address) for address in addresses])
