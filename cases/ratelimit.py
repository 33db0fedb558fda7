"""Per-IP limit on submissions of the public request form, and the counter other public forms share.

Every attempt counts, valid or not, so a script cannot probe the form freely.
The counter lives in Django's cache (Redis in production, shared by every web
process) in a fixed window: the first attempt opens a window of
REQUEST_RATE_WINDOW_SECONDS and at most REQUEST_RATE_LIMIT attempts fit in it.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

KEY_PREFIX = "request-form-attempts"


def client_ip(request: HttpRequest) -> str:
    """The address of the client, seen through TRUSTED_PROXY_COUNT reverse proxies.

    Each proxy appends the address it received the connection from to
    X-Forwarded-For, so with N trusted proxies the client is the N-th entry from
    the right; entries further left are written by the client and are not
    trusted. Without proxies (or with a header too short to have crossed them
    all) REMOTE_ADDR is the client.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if ip.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def allow_attempt(request: HttpRequest) -> bool:
    """Count one attempt from the request's client; False once the limit of the window is passed."""
    return allow(
        f"{KEY_PREFIX}:{client_ip(request)}", settings.REQUEST_RATE_LIMIT, settings.REQUEST_RATE_WINDOW_SECONDS
    )


def allow(key: str, limit: int, window: int) -> bool:
    """Count one attempt under `key` (a fixed window of `window` seconds); False past `limit` attempts."""
    if cache.add(key, 1, timeout=window):
        attempts = 1
    else:
        try:
            attempts = cache.incr(key)
        except ValueError:  # the window expired between add() and incr()
            cache.set(key, 1, timeout=window)
            attempts = 1
    return attempts <= limit
