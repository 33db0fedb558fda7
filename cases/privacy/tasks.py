"""The nightly retention job (huey; registered from cases/apps.py, HUEY runs crontabs in UTC)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from cases.privacy.cleanup import nightly_retention


@db_periodic_task(crontab(minute="15", hour="2"))
@lock_task("retention")
def anonymise_expired_cases() -> None:
    """02:15 UTC, when nobody works: anonymise the cases whose period has ended, remove what belongs to none."""
    nightly_retention()
