"""Background jobs of the cases app (huey)."""

from huey.contrib.djhuey import db_task

from cases.mail import outbound


@db_task(retries=5, retry_delay=30, retry_backoff=2)
def send_message(message_pk: int) -> None:
    outbound.deliver(message_pk)
