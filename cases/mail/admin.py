"""Platform admins' view of the inbound emails, in Wagtail's admin (Paramètres › Emails reçus).

Emails that could not be threaded (unknown or forged case address, too many cases,
unreadable) are kept aside here, never attached to a case. Only superusers see
this listing: it can contain any citizen's email. Read-only: no creation, no edit.
"""

from wagtail.permission_policies.base import BasePermissionPolicy

from cases.models import InboundEmail


class SuperusersOnly(BasePermissionPolicy):
    def user_has_permission(self, user, action: str) -> bool:
        return user.is_active and user.is_superuser and action in {"view", "delete"}

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(is_active=True, is_superuser=True)


def register() -> None:
    from wagtail.permissions import register_permission_policy
    from wagtail.snippets.models import register_snippet
    from wagtail.snippets.views.snippets import SnippetViewSet

    class InboundEmailViewSet(SnippetViewSet):
        model = InboundEmail
        icon = "mail"
        menu_label = "Emails reçus"
        add_to_settings_menu = True
        inspect_view_enabled = True
        inspect_view_fields = [
            "received_at", "door", "state", "reason", "from_header", "subject", "recipients",
            "envelope_sender", "envelope_recipient", "size", "attempts", "error", "message",
        ]  # fmt: skip
        list_display = ["subject", "from_header", "state", "reason", "received_at"]
        list_filter = ["state", "reason", "door"]
        ordering = ["-received_at"]

        def get_queryset(self, request):
            return InboundEmail.objects.defer("raw")

    register_permission_policy(InboundEmail, SuperusersOnly(InboundEmail))
    register_snippet(InboundEmailViewSet)
