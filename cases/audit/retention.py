"""Audit entries are kept `AUDIT_RETENTION_MONTHS` (default 12, the CNIL's guidance for access logs), then removed.

Only the oldest part of the chain goes, as a prefix: every row up to the last one written before the
cut-off (`created_at` is read before the chain's lock is taken, so a row is never removed ahead of an
older one written after it). Each batch is one transaction that removes rows by `seq` and moves the
chain's anchor to the hash and position of its last removed row, so the oldest remaining row still
links to something `verify_audit_log` knows, and a job stopped midway resumes where it was.

On PostgreSQL the batch sets `mediature.audit_purge` for its own transaction: the one case where the
table's trigger lets rows be deleted. The removal is itself written in the log (how many, no content).
"""

import datetime
import logging

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from cases.audit.models import Action, AuditChain, AuditEntry
from cases.audit.service import record

logger = logging.getLogger(__name__)

BATCH_SIZE = 10_000


def cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - relativedelta(months=settings.AUDIT_RETENTION_MONTHS)


def last_expired_seq(now: datetime.datetime) -> int:
    """The position up to which every row was written before the cut-off."""
    first_kept = AuditEntry.objects.filter(created_at__gte=cutoff(now)).aggregate(seq=Min("seq"))["seq"]
    if first_kept is not None:
        return first_kept - 1
    return AuditChain.objects.filter(pk=1).values_list("last_seq", flat=True).first() or 0


@transaction.atomic
def remove_through(seq: int, now: datetime.datetime) -> int:
    """Remove the rows after the anchor up to `seq` and anchor the chain there; returns how many went."""
    chain = AuditChain.objects.select_for_update().get(pk=1)
    if seq <= chain.anchor_seq:
        return 0
    anchor_hash = AuditEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if anchor_hash is None:
        raise RuntimeError(f"L'entrée n°{seq} du journal d'audit manque : lancez manage.py verify_audit_log.")
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL mediature.audit_purge = 'on'")
        cursor.execute(f"DELETE FROM {table} WHERE seq <= %s", [seq])  # noqa: S608 (the table's own name)
        removed = cursor.rowcount
    AuditChain.objects.filter(pk=1).update(anchor_seq=seq, anchor_hash=anchor_hash, anchored_at=now)
    return removed


def purge_expired(now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Remove the entries older than the retention period, batch after batch; returns how many were removed."""
    now = now or timezone.now()
    through = last_expired_seq(now)
    anchor = AuditChain.objects.filter(pk=1).values_list("anchor_seq", flat=True).first() or 0
    removed = 0
    while anchor < through:
        anchor = min(anchor + batch_size, through)
        removed += remove_through(anchor, now)
    logger.info(
        "Journal d'audit : %d entrée(s) de plus de %d mois supprimée(s).", removed, settings.AUDIT_RETENTION_MONTHS
    )
    if removed:
        record(None, Action.LOG_PURGED, detail={"removed": removed, "months": settings.AUDIT_RETENTION_MONTHS})
    return removed
