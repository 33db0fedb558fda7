"""The audit log's nightly clean-up (huey, discovered by `run_huey` as this app's `tasks`; crontabs in UTC)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from cases.audit.retention import purge_expired


@db_periodic_task(crontab(minute="45", hour="2"))
@lock_task("audit-retention")
def purge_old_audit_entries() -> None:
    """02:45 UTC, after the anonymisation (whose rows are written at 02:15): entries past AUDIT_RETENTION_MONTHS."""
    purge_expired()
