"""Render one of the platform's emails (templates/emails/<name>/) into subject, text and HTML."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(name: str, context: dict) -> RenderedEmail:
    context = {
        **context,
        "platform_name": "Médiature",
        "site_url": settings.SITE_URL,
        "year": timezone.now().year,
    }
    return RenderedEmail(
        subject=" ".join(render_to_string(f"emails/{name}/subject.txt", context).split()),
        text=render_to_string(f"emails/{name}/body.txt", context),
        html=render_to_string(f"emails/{name}/body.html", context),
    )
