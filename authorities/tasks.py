"""Background jobs of the authorities app (huey)."""

from huey.contrib.djhuey import db_task

from authorities.passwords import send_password_reset_email


@db_task()
def send_password_reset(email: str) -> None:
    """Look the address up and send the reset link if an account has it (never from the request itself)."""
    send_password_reset_email(email)
