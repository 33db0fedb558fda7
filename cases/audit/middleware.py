"""The client IP of the request being served, for audit rows written by services that get a user, not a request."""

from contextvars import ContextVar

from cases.ratelimit import client_ip

_ip: ContextVar[str] = ContextVar("audit_client_ip", default="")


def current_ip() -> str:
    return _ip.get()


class AuditContextMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _ip.reset(token)
