"""The secret of a « Suivre mon dossier » link masked out of what the platform writes about requests:
gunicorn's access log (cases/citizen/gunicorn.py) and the error reports sent to Sentry (mediature/sentry.py)."""

import re

SECRET_PATH = re.compile(r"(/suivi/acces/)[^/?\s\"]+")
MASK = r"\1[masqué]"


def redact(value):
    return SECRET_PATH.sub(MASK, value) if isinstance(value, str) else value
