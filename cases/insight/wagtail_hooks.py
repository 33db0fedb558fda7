"""The insight's admin URLs and its « Statistiques » menu (the page, « Mes exports », « Rapport annuel » for main
agents and platform admins), for agents and admins only."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from cases.insight import views


class ReaderMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return views.menu_shown(request)


class ReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return views.report_menu_shown(request)


class ReaderSubmenuMenuItem(SubmenuMenuItem):
    def is_shown(self, request) -> bool:
        return views.menu_shown(request)


@hooks.register("register_admin_urls")
def register_insight_urls() -> list:
    return [
        path("statistiques/", views.statistics, name="insight_statistics"),
        path("statistiques/exports/", views.jobs, name="insight_jobs"),
        path("statistiques/exports/nouveau/", views.start_export, name="insight_export_start"),
        path("statistiques/exports/<int:job_pk>/", views.job, name="insight_job"),
        path("statistiques/exports/<int:job_pk>/etat/", views.job_state, name="insight_job_state"),
        path("statistiques/exports/<int:job_pk>/fichier/", views.download, name="insight_job_download"),
        path("statistiques/rapport-annuel/", views.annual_report, name="insight_report"),
    ]


@hooks.register("register_admin_menu_item")
def statistics_menu() -> MenuItem:
    items = [
        ReaderMenuItem(
            "Statistiques", reverse("insight_statistics"), name="statistiques-page", icon_name="table", order=10
        ),
        ReaderMenuItem("Mes exports", reverse("insight_jobs"), name="mes-exports", icon_name="download", order=20),
        ReportMenuItem(
            "Rapport annuel", reverse("insight_report"), name="rapport-annuel", icon_name="doc-full", order=30
        ),
    ]
    return ReaderSubmenuMenuItem("Statistiques", Menu(items=items), name="statistiques", icon_name="table", order=200)
