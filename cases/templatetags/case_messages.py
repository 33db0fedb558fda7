"""Template helpers of the case's messaging panel (templates/cases/admin/case/_messages.html)."""

import re

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from cases.mail.sanitize import resolve_inline_images, sanitize_html, text_to_html
from cases.models import Message

register = template.Library()
# A heading of an email (our automatic ones have an <h1>) would break the thread's outline: bold text instead.
HEADING_TAG = re.compile(r"<(/?)h[1-6]>")


def flatten_headings(html: str) -> str:
    return HEADING_TAG.sub(lambda tag: "</strong></p>" if tag.group(1) else "<p><strong>", html)


@register.filter
def message_body(message: Message, case_number: int) -> str:
    """The message as safe HTML, its inline images served by the case's document download view.

    What an agent wrote (`content_html`) rather than the email around it; the
    email itself for automatic ones; the text when there is no HTML; an inbound
    email without its quoted history (`full_message_body` has it).
    """
    return case_html(message, message.content_html or message.html or text_to_html(message.text), case_number)


@register.filter
def full_message_body(message: Message, case_number: int) -> str:
    """The whole inbound email, quoted history included ("" when nothing was stripped from it)."""
    return case_html(message, message.full_html, case_number) if message.full_html else ""


def case_html(message: Message, html: str, case_number: int) -> str:
    """Stored HTML sanitised again here, whatever its origin, so the page never trusts it; `cid:` images
    pointed at the case's document download view. Uses the prefetched attachments: no query."""
    images = {
        attachment.inline_cid: reverse("case:document_download", args=[case_number, attachment.pk])
        for attachment in message.attachments.all()
        if attachment.inline_cid
    }
    return mark_safe(flatten_headings(resolve_inline_images(sanitize_html(html), images.get)))  # noqa: S308 (nh3-cleaned)
