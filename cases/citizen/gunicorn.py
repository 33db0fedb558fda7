"""gunicorn's access log without the secret of a « Suivre mon dossier » link (Procfile: --logger-class).

The link's secret is in its path (/suivi/acces/<secret>/), which the access log would otherwise write
for every citizen who opens their page from an email. Every logged value is masked the same way.
"""

from gunicorn.glogging import Logger

from cases.citizen.masking import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time) -> dict:
        return {name: redact(value) for name, value in super().atoms(resp, req, environ, request_time).items()}
