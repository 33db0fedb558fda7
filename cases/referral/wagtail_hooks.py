"""Registers referrals with Wagtail's admin: the list and proposal pages, the dashboard panel.

The case's own « Transmettre » pages are case URLs (cases/views/urls.py); the menu item sits in the
« Dossiers » menu (cases/wagtail_hooks.py)."""

from django.urls import path
from wagtail import hooks


@hooks.register("register_admin_urls")
def register_referral_urls() -> list:
    from cases.referral import views

    return [
        path("dossiers/transmissions/", views.referral_index, name="referrals"),
        path("dossiers/transmissions/<int:referral_pk>/", views.referral_detail, name="referral_detail"),
        path("dossiers/transmissions/<int:referral_pk>/accepter/", views.referral_accept, name="referral_accept"),
        path("dossiers/transmissions/<int:referral_pk>/refuser/", views.referral_decline, name="referral_decline"),
    ]


@hooks.register("construct_homepage_panels")
def add_referral_panel(request, panels: list) -> None:
    from cases.referral.dashboard import construct_homepage_panels

    construct_homepage_panels(request, panels)
