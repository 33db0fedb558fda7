"""Start-up check of the cases app: production refuses to start with an open or weak mail door.

The rule is applied when the app registry is ready (`CasesConfig.ready`), not as a system check:
gunicorn loads the WSGI application without running system checks, so a check stopped the
worker (`manage.py run_huey`) and every management command while the web process still served.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_PASSWORD_LENGTH = 16
GENERATE_COMMAND = "python -c \"import secrets; print('mediature:' + secrets.token_urlsafe(24))\""


def webhook_secret_problem(secret: str | list[str] | None) -> str:
    """What is wrong with a webhook secret, or "" when it is sound.

    Anymail takes one "user:password" or a list of them (to rotate it); the providers post with that
    HTTP basic auth, so the user must be non-empty and the password long enough not to be guessed.
    """
    candidates = [secret] if isinstance(secret, str) else list(secret or [])
    if not any(candidates):
        return "n'est pas défini"
    for candidate in candidates:
        user, colon, password = candidate.partition(":")
        if not colon or not user:
            return "n'a pas la forme « utilisateur:mot-de-passe »"
        if len(password) < MIN_PASSWORD_LENGTH:
            return f"a un mot de passe de {len(password)} caractères"
    return ""


def require_webhook_secret() -> None:
    """Stop web, worker and every command alike when DEBUG is off and the webhook secret is missing or weak.

    Without it anyone could post emails into cases and forge delivery reports (anymail would only warn).
    """
    if settings.DEBUG or getattr(settings, "TESTING", False):
        return
    problem = webhook_secret_problem(settings.ANYMAIL.get("WEBHOOK_SECRET"))
    if problem:
        raise ImproperlyConfigured(
            f"ANYMAIL_WEBHOOK_SECRET {problem} : il protège les webhooks des courriels reçus et des avis de "
            f"distribution et doit avoir la forme « utilisateur:mot-de-passe », avec un utilisateur non vide et "
            f"un mot de passe de {MIN_PASSWORD_LENGTH} caractères au moins. Générez-le avec : {GENERATE_COMMAND}"
        )
