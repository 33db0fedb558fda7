"""Sentry, only when SENTRY_DSN is set, and never with personal data.

Citizens' requests concern health, justice or social matters: no request
bodies, cookies, local variables or user details leave the platform.
"""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.huey import HueyIntegration

from cases.citizen.masking import redact

SCRUBBED_EVENT_KEYS = ("user", "extra")
SCRUBBED_REQUEST_KEYS = ("data", "cookies", "query_string", "env")


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """Drop every part of an event that may carry personal data."""
    for key in SCRUBBED_EVENT_KEYS:
        event.pop(key, None)
    request = event.get("request") or {}
    for key in SCRUBBED_REQUEST_KEYS:
        request.pop(key, None)
    if "url" in request:  # a citizen's « Suivre mon dossier » link carries its secret in the path
        request["url"] = redact(request["url"])
    headers = request.get("headers") or {}
    for header in list(headers):
        if header.lower() in {"authorization", "cookie", "x-csrftoken"}:
            headers.pop(header)
    return event


def init_sentry(dsn: str, environment: str) -> bool:
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), HueyIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        traces_sample_rate=0.0,
    )
    return True
