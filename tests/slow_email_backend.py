"""An email backend for the durability test: each email takes SLOW_EMAIL_SECONDS, then is written to
SLOW_EMAIL_DIR as one file, so a worker killed mid-send leaves either no file or one file."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        directory = Path(os.environ["SLOW_EMAIL_DIR"])
        for message in email_messages:
            time.sleep(float(os.environ.get("SLOW_EMAIL_SECONDS", "0.5")))
            (directory / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
