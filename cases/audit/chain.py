"""The hash chain: what a row's hash covers, and the walk that checks every row (`manage.py verify_audit_log`).

A row's hash is SHA-256 over, joined by newlines: the previous row's hash, the row's position (`seq`) and
its content as canonical JSON (`payload`: sorted keys, no spaces, UTF-8). On PostgreSQL a single row is
hashed by the database itself while it takes the chain's head (cases/audit/service.py: `sha256()` of the
same text), elsewhere by Python; both hash the text `payload` returns, so one walk checks both.

Changing any stored field of a row changes what its hash should be, and the walk names that row.
Rewriting a row's hash too breaks the link to the next row, which the walk names (saying the row
before it was rewritten or removed). Removing rows leaves a gap in `seq`; removing the newest rows
leaves the head pointing past the end. What no chain inside the database can show is a rewrite of
every row after the change together with the head: for that, keep the head hash the command prints
somewhere else (a ticket, a signed email) and compare.
"""

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from cases.audit.models import AuditChain, AuditEntry

PAYLOAD_FIELDS = (
    "created_at",
    "action",
    "actor_id",
    "actor_label",
    "authority_id",
    "object_type",
    "object_id",
    "object_label",
    "case_number",
    "ip",
    "detail",
)


def timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def payload(values: dict) -> str:
    """The canonical text of a row's content (`values` holds the PAYLOAD_FIELDS, created_at as a datetime)."""
    content = {name: values[name] for name in PAYLOAD_FIELDS}
    content["created_at"] = timestamp(values["created_at"])
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_text(previous_hash: str, seq: int, text: str) -> str:
    return f"{previous_hash}\n{seq}\n{text}"


def digest(previous_hash: str, seq: int, text: str) -> str:
    return hashlib.sha256(link_text(previous_hash, seq, text).encode()).hexdigest()


def entry_values(entry: AuditEntry) -> dict:
    return {name: getattr(entry, name) for name in PAYLOAD_FIELDS}


@dataclass(frozen=True)
class Report:
    checked: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None and not self.problem


def entries_in_order(chunk_size: int = 2000) -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size)


def verify() -> Report:
    """Walk the chain from its anchor to its head; the first broken row ends the walk."""
    chain = AuditChain.objects.filter(pk=1).first() or AuditChain()
    expected_hash, expected_seq, checked = chain.anchor_hash, chain.anchor_seq + 1, 0
    for entry in entries_in_order():
        if entry.seq < expected_seq:
            return Report(checked, chain.last_hash, entry.seq, "entrée antérieure à l'ancre de la chaîne")
        if entry.seq > expected_seq:
            missing = f"n°{expected_seq}" if entry.seq == expected_seq + 1 else f"n°{expected_seq} à {entry.seq - 1}"
            return Report(checked, chain.last_hash, entry.seq, f"entrée(s) {missing} manquante(s) avant celle-ci")
        if entry.previous_hash != expected_hash:
            problem = "l'empreinte précédente ne correspond pas : l'entrée d'avant a été réécrite ou retirée"
            return Report(checked, chain.last_hash, entry.seq, problem)
        if digest(entry.previous_hash, entry.seq, payload(entry_values(entry))) != entry.hash:
            return Report(checked, chain.last_hash, entry.seq, "son contenu ne correspond plus à son empreinte")
        expected_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    if (expected_seq - 1, expected_hash) != (chain.last_seq, chain.last_hash):
        problem = (
            f"la chaîne s'arrête à l'entrée n°{expected_seq - 1} alors que sa tête désigne l'entrée "
            f"n°{chain.last_seq} : des entrées récentes ont été retirées ou la tête a été modifiée"
        )
        return Report(checked, chain.last_hash, chain.last_seq, problem)
    return Report(checked, chain.last_hash)
