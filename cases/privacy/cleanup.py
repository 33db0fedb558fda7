"""The nightly retention run: anonymise the cases whose period has ended, and remove what belongs to none.

- The agents' digest (cases/mail/digest.py) names the citizens of the cases it lists, and belongs to no
  case: kept, it would hold their names after their cases are anonymised. It is of no use once read, so
  digests older than `DIGEST_DAYS` are deleted (no case is anonymised sooner than `MIN_MONTHS` after closing).
- Files never attached to a case (neither to a case nor to a message of one) after `UPLOAD_DAYS`, the
  original product's clean-up of abandoned uploads.
- Inbound emails never threaded onto a case (kept aside for a platform admin, or ignored: bounces, loops)
  after `UNTHREADED_INBOUND_DAYS`: their raw source holds a sender's address and words.
- Statistics exports and annual reports (cases/insight/) once ready for `FILE_DAYS` (7): their files are
  deleted, their record (who, when, scope, row count) stays. The synthesis PDF and the subject-request
  export are built for the request that asks for them: none is stored. The audit log's own clean-up is
  cases/audit/retention.py.

Each step logs what it removed (counts, never contents).
"""

import datetime
import logging

from django.utils import timezone

from cases.insight.export import purge_expired_files
from cases.models import Attachment, InboundEmail, Message
from cases.privacy.anonymise import anonymise_due

logger = logging.getLogger(__name__)

DIGEST_DAYS = 30
UPLOAD_DAYS = 7
UNTHREADED_INBOUND_DAYS = 30


def purge_old_digests(now: datetime.datetime) -> int:
    old = Message.objects.filter(template="agent_digest", created_at__lt=now - datetime.timedelta(days=DIGEST_DAYS))
    deleted = old.delete()[1].get(Message._meta.label, 0)
    logger.info("Rétention : %d résumé(s) quotidien(s) supprimé(s).", deleted)
    return deleted


def purge_unattached_uploads(now: datetime.datetime) -> int:
    old = Attachment.objects.filter(case__isnull=True, created_at__lt=now - datetime.timedelta(days=UPLOAD_DAYS))
    unattached = old.exclude(message__case_links__isnull=False)
    deleted = unattached.delete()[1].get(Attachment._meta.label, 0)
    logger.info("Rétention : %d fichier(s) jamais joint(s) à un dossier supprimé(s).", deleted)
    return deleted


def purge_unthreaded_inbound(now: datetime.datetime) -> int:
    old = InboundEmail.objects.filter(
        state__in=[InboundEmail.State.KEPT_ASIDE, InboundEmail.State.IGNORED],
        received_at__lt=now - datetime.timedelta(days=UNTHREADED_INBOUND_DAYS),
    )
    deleted = old.delete()[1].get(InboundEmail._meta.label, 0)
    logger.info("Rétention : %d courriel(s) reçu(s) jamais rattaché(s) à un dossier supprimé(s).", deleted)
    return deleted


def nightly_retention(now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "anonymised": anonymise_due(now),
        "digests": purge_old_digests(now),
        "uploads": purge_unattached_uploads(now),
        "inbound": purge_unthreaded_inbound(now),
        "exports": purge_expired_files(now),
    }
