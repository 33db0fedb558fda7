"""The nightly retention run: anonymise the cases whose period has ended, and forget old agent digests.

The agents' digest (cases/mail/digest.py) names the citizens of the cases it lists, and belongs to no
case: kept, it would hold their names after their cases are anonymised. It is of no use once read, so
digests older than `DIGEST_DAYS` are deleted (no case is anonymised sooner than `MIN_MONTHS` after closing).
Each step logs what it removed (counts, never contents).
"""

import datetime
import logging

from django.utils import timezone

from cases.models import Message
from cases.privacy.anonymise import anonymise_due

logger = logging.getLogger(__name__)

DIGEST_DAYS = 30


def purge_old_digests(now: datetime.datetime) -> int:
    old = Message.objects.filter(template="agent_digest", created_at__lt=now - datetime.timedelta(days=DIGEST_DAYS))
    deleted = old.delete()[1].get(Message._meta.label, 0)
    logger.info("Rétention : %d résumé(s) quotidien(s) supprimé(s).", deleted)
    return deleted


def nightly_retention(now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {"anonymised": anonymise_due(now), "digests": purge_old_digests(now)}
