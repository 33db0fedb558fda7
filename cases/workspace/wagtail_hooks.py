"""The case index, its saved views and its bulk actions, registered in Wagtail's admin (cases/workspace/)."""

from django.urls import path
from wagtail import hooks


@hooks.register("register_admin_urls")
def register_index_urls() -> list:
    """Under /admin/dossiers/, words the case page's « dossiers/<int:number>/ » never matches."""
    from cases.workspace import bulk, saved_views
    from cases.workspace.index import case_index

    return [
        path("dossiers/", case_index, name="case_index"),
        path("dossiers/actions/", bulk.bulk, name="case_bulk"),
        path("dossiers/vues/", saved_views.save, name="case_saved_view_save"),
        path("dossiers/vues/<int:pk>/supprimer/", saved_views.delete, name="case_saved_view_delete"),
    ]
