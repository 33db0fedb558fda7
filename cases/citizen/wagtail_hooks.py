"""Registers the agent's side of the citizen's space (cases/citizen/agent_views.py) with Wagtail's admin."""

from django.urls import path
from wagtail import hooks


@hooks.register("register_admin_urls")
def register_citizen_admin_urls() -> list:
    from cases.citizen import agent_views

    return [
        path("dossiers/<int:number>/suivi/lien/", agent_views.send_link, name="citizen_send_link"),
        path("dossiers/<int:number>/suivi/revoquer/", agent_views.revoke, name="citizen_revoke"),
        path("dossiers/<int:number>/suivi/courrier/", agent_views.letter, name="citizen_letter"),
    ]
