"""Background jobs of the mail (huey): sending, threading inbound emails, Mailjet's parse routes, the sweeper
and the agents' digest. The services enqueue them from here; they import nothing back but the services.

Huey runs a task at most once: a worker killed mid-task loses it. Every task here
is therefore driven by a database row (outbox message, stored inbound email) and
safe to run again, and the sweeper re-queues rows whose task was lost.

HUEY is configured with utc=True, so crontabs below are read in UTC.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from cases.mail import digest, inbound, outbound, routes


@db_task()
def send_message(message_pk: int) -> None:
    """Retries are not huey's: `deliver` schedules the next attempt itself, with back-off."""
    outbound.deliver(message_pk)


@db_task()
def process_inbound(inbound_pk: int) -> None:
    inbound.process(inbound_pk)


@db_task(retries=50, retry_delay=60)
def create_parse_route(case_number: int) -> None:
    routes.create_route(case_number)


@db_task(retries=50, retry_delay=60)
def delete_parse_route(address: str) -> None:
    routes.delete_route(address)


@db_periodic_task(crontab(minute="*/5"))
def sweep_mail() -> None:
    outbound.sweep_outbox()
    inbound.sweep_inbox()


# 07:30 in Paris is 05:30 UTC in summer and 06:30 UTC in winter: run at both and
# let the task keep the one that is 07:30 in Paris (weekdays match in both zones).
@db_periodic_task(crontab(minute="30", hour="5,6", day_of_week="1-5"))
def agent_digest() -> None:
    digest.send_digests_if_due()
