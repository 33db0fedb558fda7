"""Writing the audit log: `record` (one event) and `record_many` (the same kind of event for many objects).

Both append to the chain under its head's row lock, so concurrent writers queue up and never fork it:
- on PostgreSQL, `record` is one statement: an UPDATE of the head (its row lock; after waiting, it reads
  the newest head) that computes the new hash with `sha256()`, and the INSERT of the row, in one CTE;
- `record_many`, and `record` on SQLite, lock the head with SELECT … FOR UPDATE, hash in Python, insert
  the rows in one INSERT and move the head: three statements however many rows.

Called inside a transaction, the row is written with the action it records (both or neither) and the head
stays locked until the commit: call it last, once the action has succeeded, so the lock is short and
always taken after the action's own locks (no deadlock).

The client IP comes from the request when one is given, else from the request being served
(`cases.audit.middleware`), else none (the nightly jobs).
"""

import datetime
import ipaddress
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from cases.audit.chain import digest, payload
from cases.audit.middleware import current_ip
from cases.audit.models import Action, AuditChain, AuditEntry, ObjectType
from cases.ratelimit import client_ip

__all__ = ["Action", "Target", "authority_targets", "record", "record_many", "user_targets"]


@dataclass(frozen=True)
class Target:
    """What an event is about, as the log keeps it: ids and a label that never names a citizen."""

    object_type: str = ObjectType.NONE
    object_id: str = ""
    object_label: str = ""
    case_number: int | None = None
    authority_id: int | None = None


@dataclass(frozen=True)
class Who:
    actor_id: int | None = None
    actor_label: str = ""
    ip: str = ""


def describe(obj, case=None) -> Target:
    """The target of an event: a case, a document (of `case`), a user, a membership, an invitation, or nothing.

    A document is named by its number, never by its file name (which may name the citizen).
    """
    from authorities.models import Invitation, Membership, User
    from cases.models import Attachment, Case

    if isinstance(obj, Case):
        return Target(ObjectType.CASE, str(obj.number), obj.label, obj.number, obj.authority_id)
    if isinstance(obj, Attachment):
        case = case or obj.case
        number = case.number if case else None
        return Target(
            ObjectType.DOCUMENT,
            str(obj.pk),
            f"Document n°{obj.pk}" + (f" du dossier n°{number}" if number else ""),
            number,
            case.authority_id if case else None,
        )
    if isinstance(obj, Membership):
        return Target(ObjectType.USER, str(obj.user_id), obj.user.email, authority_id=obj.authority_id)
    if isinstance(obj, User):
        return Target(ObjectType.USER, str(obj.pk), obj.email)
    if isinstance(obj, Invitation):
        return Target(ObjectType.INVITATION, str(obj.pk), obj.email, authority_id=obj.authority_id)
    if obj is None:
        return Target(case_number=case.number if case else None, authority_id=case.authority_id if case else None)
    raise TypeError(f"Objet du journal d'audit inconnu : {type(obj).__name__}")


def normalised_ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def who(request_or_user) -> Who:
    """The actor and client IP of a request, of a user (IP of the request being served), or of a job (None)."""
    if isinstance(request_or_user, HttpRequest):
        user, ip = request_or_user.user, client_ip(request_or_user)
    else:
        user, ip = request_or_user, current_ip()
    if user is None or not user.is_authenticated:
        return Who(ip=normalised_ip(ip))
    return Who(user.pk, user.email, normalised_ip(ip))


def row_values(action: str, actor: Who, target: Target, detail: dict, now: datetime.datetime) -> dict:
    return {
        "created_at": now,
        "action": str(action),
        "actor_id": actor.actor_id,
        "actor_label": actor.actor_label,
        "authority_id": target.authority_id,
        "object_type": str(target.object_type),
        "object_id": target.object_id,
        "object_label": target.object_label[:254],
        "case_number": target.case_number,
        "ip": actor.ip,
        "detail": detail,
    }


def record(request_or_user, action: Action, *, obj=None, case=None, authority=None, detail: dict | None = None) -> None:
    """Write one event: `request_or_user` acting (an HttpRequest, a user, or None for a job) on `obj`.

    `authority` (an Authority or its id) defaults to the object's; `case` is the case a document belongs
    to; `detail` holds small values that name no one (a role, a count), never a searched text.
    """
    target = describe(obj, case)
    if authority is not None:
        target = replace(target, authority_id=getattr(authority, "pk", authority))
    record_many(request_or_user, action, [target], detail=detail)


def record_many(request_or_user, action: Action, targets: Iterable, *, detail: dict | None = None) -> int:
    """Write the same event for each of `targets` (objects as `record` takes them, or Target instances);
    one statement for a single row on PostgreSQL, three for any number otherwise."""
    actor, now = who(request_or_user), timezone.now()
    rows = [
        row_values(action, actor, target if isinstance(target, Target) else describe(target), detail or {}, now)
        for target in targets
    ]
    if len(rows) == 1 and connection.vendor == "postgresql":
        append_in_one_statement(rows[0])
    elif rows:
        append(rows)
    return len(rows)


def authority_targets(authority_ids: Iterable[int]) -> list[Target]:
    """One target per authority, for an event that concerns several (a search over their cases)."""
    return [Target(authority_id=pk) for pk in authority_ids]


def user_targets(user) -> list[Target]:
    """A user as the target of an event about their account (two-factor): one target per authority they
    belong to, so each authority's main agents read it, or one without authority (a platform admin)."""
    from authorities.permissions import memberships_of

    target = describe(user)
    authority_ids = dict.fromkeys(membership.authority_id for membership in memberships_of(user))
    return [replace(target, authority_id=pk) for pk in authority_ids] or [target]


APPEND_SQL = """
WITH head AS (
    UPDATE audit_auditchain
       SET last_seq = last_seq + 1,
           previous_hash = last_hash,
           last_hash = encode(sha256(convert_to(
               last_hash || chr(10) || (last_seq + 1)::text || chr(10) || %(payload)s, 'UTF8')), 'hex')
     WHERE id = 1
 RETURNING last_seq, previous_hash, last_hash
)
INSERT INTO audit_auditentry (seq, created_at, action, actor_id, actor_label, authority_id, object_type, object_id,
                              object_label, case_number, ip, detail, previous_hash, hash)
SELECT head.last_seq, %(created_at)s, %(action)s, %(actor_id)s, %(actor_label)s, %(authority_id)s,
       %(object_type)s, %(object_id)s, %(object_label)s, %(case_number)s, %(ip)s, %(detail)s::jsonb,
       head.previous_hash, head.last_hash
  FROM head
"""


def append_in_one_statement(values: dict) -> None:
    params = {**values, "payload": payload(values), "detail": json.dumps(values["detail"])}
    with connection.cursor() as cursor:
        cursor.execute(APPEND_SQL, params)
        if cursor.rowcount:
            return
    AuditChain.objects.get_or_create(pk=1)  # an empty database (tests flush it): the chain starts here
    append_in_one_statement(values)


@transaction.atomic
def append(rows: list[dict]) -> None:
    head = AuditChain.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChain.objects.get_or_create(pk=1)
        head = AuditChain.objects.select_for_update().get(pk=1)
    seq, previous, entries = head.last_seq, head.last_hash, []
    for values in rows:
        seq += 1
        current = digest(previous, seq, payload(values))
        entries.append(AuditEntry(seq=seq, previous_hash=previous, hash=current, **values))
        previous_of_last, previous = previous, current
    AuditEntry.objects.bulk_create(entries)
    AuditChain.objects.filter(pk=1).update(last_seq=seq, last_hash=previous, previous_hash=previous_of_last)
