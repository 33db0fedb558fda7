"""The « Suivre mon dossier » link of the emails to the citizen, made personal only when the email leaves.

Emails are rows before they are sent (cases/mail/outbound.py), and their bodies stay on the case. So
the templates write a neutral link, to « Retrouver mon dossier » with the case number filled in
(`follow_placeholder`); `personalise`, called by the sender just before an email goes, swaps it for a
new personal link when the email goes to the case's citizen, at the address the case has now. The
secret is then in the email only: never in the outbox row, the case page, a log or a backup. An email
to anyone else, or after the citizen's address changed, keeps the neutral link.
"""

import re

from django.conf import settings
from django.urls import reverse

from cases.citizen.keys import citizen_email, issue_link
from cases.models import Case, Message

# The emails sent to a case's citizen, which carry the link (and « Dossier n°N — » in their subject).
CITIZEN_TEMPLATES = frozenset(
    {
        "case_acknowledgement",
        "case_message_to_citizen",
        "case_closed",
        "case_referred",
        "citizen_link",
        "referral_consent_request",
    }
)


def follow_placeholder(number: int) -> str:
    return f"{settings.SITE_URL}{reverse('citizen:recover')}?dossier={number}"


def exchange_url(secret: str) -> str:
    return f"{settings.SITE_URL}{reverse('citizen:exchange', args=[secret])}"


def placeholder_pattern() -> re.Pattern:
    return re.compile(re.escape(f"{settings.SITE_URL}{reverse('citizen:recover')}?dossier=") + r"(\d{1,18})")


def personalise(message: Message) -> None:
    """Put a new personal link in this email about to be sent (in memory only: the row keeps the neutral one)."""
    if message.template not in CITIZEN_TEMPLATES:
        return
    match = placeholder_pattern().search(message.text)
    if match is None:
        return
    case = Case.objects.select_related("citizen").filter(number=int(match.group(1)), anonymised_at__isnull=True).first()
    email = citizen_email(case) if case is not None else ""
    if not email or [address.lower() for address in message.to] != [email.lower()]:
        return
    url = exchange_url(issue_link(case, email))
    message.text = message.text.replace(match.group(0), url)
    message.html = message.html.replace(match.group(0), url)
