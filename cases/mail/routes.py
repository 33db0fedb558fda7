"""Mailjet parse routes: one per case address, since Mailjet has no wildcard inbound address.

Only when INBOUND_PROVIDER is "mailjet". With Brevo or a mail server pipe, a
catch-all on INBOUND_DOMAIN serves every case and nothing is created here.
Both calls are idempotent, so the tasks can retry them safely.
"""

from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from cases.models import Case

API = "https://api.mailjet.com/v3/REST/parseroute"
TIMEOUT = 20


def mailjet_routes_enabled() -> bool:
    return getattr(settings, "INBOUND_PROVIDER", "") == "mailjet"


def auth() -> tuple[str, str]:
    return settings.ANYMAIL["MAILJET_API_KEY"], settings.ANYMAIL["MAILJET_SECRET_KEY"]


def webhook_url() -> str:
    """The inbound webhook URL with the basic auth inside, as Mailjet expects it.

    User and password are percent-encoded: a generated secret may hold « @ », « / » or « # », which
    would otherwise end the credentials early and send Mailjet's posts to another host or path.
    """
    site = urlsplit(settings.SITE_URL)
    user, _, password = settings.ANYMAIL["WEBHOOK_SECRET"].partition(":")
    credentials = f"{quote(user, safe='')}:{quote(password, safe='')}"
    return f"{site.scheme}://{credentials}@{site.netloc}{reverse('mail:mailjet_inbound')}"


def find_route(address: str) -> dict | None:
    response = requests.get(API, params={"Email": address}, auth=auth(), timeout=TIMEOUT)
    response.raise_for_status()
    routes = [route for route in response.json().get("Data", []) if route.get("Email", "").lower() == address]
    return routes[0] if routes else None


def create_route(case_number: int) -> None:
    case = Case.objects.filter(number=case_number).first()
    if case is None:
        return
    address = case.reply_address.lower()
    if find_route(address) is not None:
        return
    response = requests.post(API, json={"Email": address, "Url": webhook_url()}, auth=auth(), timeout=TIMEOUT)
    response.raise_for_status()


def delete_route(address: str) -> None:
    """A missing route is fine: senders to a deleted case then get the usual bounce."""
    route = find_route(address.lower())
    if route is None:
        return
    response = requests.delete(f"{API}/{route['ID']}", auth=auth(), timeout=TIMEOUT)
    if response.status_code != 404:
        response.raise_for_status()


def on_case_saved(sender, instance: Case, created: bool, **kwargs) -> None:
    if created and mailjet_routes_enabled():
        from cases.mail.tasks import create_parse_route

        transaction.on_commit(lambda: create_parse_route(instance.number))


def on_case_deleted(sender, instance: Case, **kwargs) -> None:
    if mailjet_routes_enabled():
        from cases.mail.tasks import delete_parse_route

        address = instance.reply_address
        transaction.on_commit(lambda: delete_parse_route(address))
