"""System checks of the cases app: production refuses to start with an open mail door."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def inbound_webhook_secret(app_configs, **kwargs) -> list[Error]:
    """Without ANYMAIL_WEBHOOK_SECRET anyone could post emails into cases (anymail would only warn).

    The check runs with every management command (migrate in the release phase,
    run_huey for the worker), so a deployment without the secret stops there.
    """
    if settings.DEBUG or getattr(settings, "TESTING", False):
        return []
    secret = settings.ANYMAIL.get("WEBHOOK_SECRET") or ""
    if isinstance(secret, str):
        secret = [secret] if secret else []
    if not secret or any(":" not in item or len(item) < 20 for item in secret):
        return [
            Error(
                "ANYMAIL_WEBHOOK_SECRET doit être défini (« utilisateur:mot-de-passe », 20 caractères au moins) "
                "pour protéger les webhooks de réception des emails.",
                hint="Générez-le avec : python -c \"import secrets; print('mediature:' + secrets.token_urlsafe(24))\"",
                id="cases.E001",
            )
        ]
    return []
