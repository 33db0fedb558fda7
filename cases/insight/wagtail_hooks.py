"""The statistics' admin URLs and their « Statistiques » menu item, shown to agents and platform admins only."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cases.insight import views
from cases.insight.scope import can_read_statistics


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_read_statistics(request.user)


@hooks.register("register_admin_urls")
def register_insight_urls() -> list:
    return [path("statistiques/", views.statistics, name="insight_statistics")]


@hooks.register("register_admin_menu_item")
def statistics_menu_item() -> MenuItem:
    return StatisticsMenuItem(
        "Statistiques", reverse("insight_statistics"), name="statistiques", icon_name="table", order=200
    )
