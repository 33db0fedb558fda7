"""Platform admins' view of the inbound emails, in Wagtail's admin (Paramètres › Courriels reçus).

Emails that could not be threaded (unknown or forged case address, too many cases,
unreadable) are kept aside here, never attached to a case. Only superusers see
this listing: it can contain any citizen's email. Read-only: no creation, no edit.

An email threaded onto a case is not listed nor opened here (404): it is the
citizen's reply of that case, which its agents read on the case page, and platform
admins open cases only where they are members (cases/access.py).
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from wagtail.permission_policies.base import BasePermissionPolicy

from cases.models import InboundEmail

ON_A_CASE = Q(state=InboundEmail.State.THREADED) | Q(message__isnull=False)


def off_case_emails() -> QuerySet[InboundEmail]:
    return InboundEmail.objects.exclude(ON_A_CASE).defer("raw")


class OffCaseEmailOnly:
    """Views of one email (inspect, history, usage, delete) find only emails that no case claims."""

    def get_object(self, *args, **kwargs):
        email = super().get_object(*args, **kwargs)
        if not off_case_emails().filter(pk=email.pk).exists():
            raise Http404
        return email


class SuperusersOnly(BasePermissionPolicy):
    def user_has_permission(self, user, action: str) -> bool:
        return user.is_active and user.is_superuser and action in {"view", "delete"}

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(is_active=True, is_superuser=True)


def register() -> None:
    from wagtail.permissions import register_permission_policy
    from wagtail.snippets.models import register_snippet
    from wagtail.snippets.views import snippets

    class InspectView(OffCaseEmailOnly, snippets.InspectView):
        pass

    class HistoryView(OffCaseEmailOnly, snippets.HistoryView):
        pass

    class UsageView(OffCaseEmailOnly, snippets.UsageView):
        pass

    class DeleteView(OffCaseEmailOnly, snippets.DeleteView):
        pass

    class InboundEmailViewSet(snippets.SnippetViewSet):
        model = InboundEmail
        icon = "mail"
        menu_label = "Courriels reçus"
        add_to_settings_menu = True
        inspect_view_enabled = True
        inspect_view_fields = [
            "received_at", "door", "state", "reason", "from_header", "subject", "recipients",
            "envelope_sender", "envelope_recipient", "size", "attempts", "error",
        ]  # fmt: skip
        list_display = ["subject", "from_header", "state", "reason", "received_at"]
        list_filter = ["state", "reason", "door"]
        ordering = ["-received_at"]
        inspect_view_class = InspectView
        history_view_class = HistoryView
        usage_view_class = UsageView
        delete_view_class = DeleteView

        def get_queryset(self, request):
            return off_case_emails()

        def register_chooser_viewset(self) -> None:
            """No chooser: nothing links to an inbound email, and Wagtail's chooser views list and
            return any object to any admin user, whatever the permission policy says."""

    register_permission_policy(InboundEmail, SuperusersOnly(InboundEmail))
    register_snippet(InboundEmailViewSet)
