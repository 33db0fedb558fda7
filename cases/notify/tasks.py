"""Background jobs of the notifications (huey): the grouped send and its sweeper."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from cases.notify import service


@db_task()
def notify_user(user_pk: int) -> None:
    service.send_pending(user_pk)


@db_periodic_task(crontab(minute="*/5"))
def sweep_notifications() -> None:
    service.sweep()
