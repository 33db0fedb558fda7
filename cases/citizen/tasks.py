"""Background job of the citizen's space (huey): the « Retrouver mon dossier » lookup, off the request."""

from huey.contrib.djhuey import db_task

from cases.citizen import recovery


@db_task()
def send_link_task(number: int, email: str) -> None:
    recovery.send_if_matching(number, email)
