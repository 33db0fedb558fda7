"""Content Security Policy: strict on public pages, relaxed only for Wagtail's admin.

Wagtail's admin (and wagtail-modeladmin) still ships inline scripts and style
attributes, which a nonce policy would break. The admin is reached only by
signed-in staff, so it keeps every other directive and only allows inline code.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

ADMIN_PATH_PREFIX = "/admin/"
ADMIN_REPLACEMENTS = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
}


class MediatureCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PATH_PREFIX):
            parts.replace = {**ADMIN_REPLACEMENTS, **(parts.replace or {})}
            parts.nonce = None
        return parts
