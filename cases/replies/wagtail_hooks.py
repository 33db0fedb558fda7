"""The main agents' « Modèles de réponse » page and its menu item."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from authorities.models import Role
from authorities.permissions import authority_ids_as
from cases.replies import views


@hooks.register("register_admin_urls")
def register_reply_template_urls() -> list:
    return [
        path("modeles-de-reponse/", views.templates_page, name="reply_templates"),
        path("modeles-de-reponse/<int:pk>/", views.template_edit, name="reply_template_edit"),
        path("modeles-de-reponse/<int:pk>/supprimer/", views.template_delete, name="reply_template_delete"),
    ]


class MainAgentsOnly(MenuItem):
    def is_shown(self, request) -> bool:
        return bool(authority_ids_as(request.user, [Role.MAIN_AGENT]))


@hooks.register("register_admin_menu_item")
def register_reply_templates_menu_item() -> MenuItem:
    return MainAgentsOnly(
        "Modèles de réponse", reverse("reply_templates"), name="modeles-de-reponse", icon_name="doc-full", order=950
    )
