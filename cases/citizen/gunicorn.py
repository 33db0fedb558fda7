"""gunicorn's access log without the secret of a « Suivre mon dossier » link (Procfile: --logger-class).

The link's secret is in its path (/suivi/acces/<secret>/), which the access log would otherwise write
for every citizen who opens their page from an email. Every logged value is masked the same way.
"""

import re

from gunicorn.glogging import Logger

SECRET_PATH = re.compile(r"(/suivi/acces/)[^/?\s\"]+")
MASK = r"\1[masqué]"


def redact(value):
    return SECRET_PATH.sub(MASK, value) if isinstance(value, str) else value


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time) -> dict:
        return {name: redact(value) for name, value in super().atoms(resp, req, environ, request_time).items()}
