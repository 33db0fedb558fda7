"""« Mes notifications » and the count of messages to process in the admin menu."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent

from cases.access import agent_authorities
from cases.notify import views
from cases.notify.service import unread_count
from cases.workspace.index import index_url


@hooks.register("register_admin_urls")
def register_notify_urls() -> list:
    return [path("notifications/", views.settings_page, name="notify_settings")]


class AgentsOnly(MenuItem):
    def is_shown(self, request) -> bool:
        return bool(agent_authorities(request.user))


class UnreadMenuItem(AgentsOnly):
    """« À traiter (N) »: the messages to process on the agent's cases and the unassigned ones, counted per
    request (the item is built once for every user)."""

    def render_component(self, request):
        count = unread_count(request.user)
        label = f"À traiter ({count})" if count else "À traiter"
        return LinkMenuItemComponent(self.name, label, self.url, icon_name=self.icon_name, attrs=self.attrs)


@hooks.register("register_admin_menu_item")
def register_unread_menu_item() -> MenuItem:
    return UnreadMenuItem("À traiter", index_url(), name="a-traiter", icon_name="mail", order=101)


@hooks.register("register_account_menu_item")
def register_settings_link(request) -> dict | None:
    """On Wagtail's « Compte » page, for agents."""
    if not agent_authorities(request.user):
        return None
    return {
        "url": reverse("notify_settings"),
        "label": "Mes notifications",
        "help_text": "Être prévenu des réponses des requérants : immédiatement, le matin ou jamais.",
    }
