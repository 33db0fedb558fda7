"""Passwords: the strength rule, reset requests and the emails that follow a change.

Rules (AUTH_PASSWORD_VALIDATORS): at least 12 characters, not a common
password, not all digits, not close to the member's name or email address, and an
estimated strength (zxcvbn) of at least 3 out of 4, i.e. about 10^8 guesses or
more, zxcvbn knowing the words an attacker tries first: the member's details, the
platform's name and the names of their authorities (« Mediature2026! »).
No composition rules (upper case, digits, symbols) beyond that, as
ANSSI and NIST recommend. The sign-up and password forms show the rules next
to the field and check the length and personal details while typing
(authorities/static/authorities/password-hints.js).

Reset: the request answers the same page whatever the address, and does the
same work for both: it only enqueues a task, which looks the address up and,
when an active account has it, sends the link (valid PASSWORD_RESET_TIMEOUT,
one use, since Django's token depends on the password hash).
"""

import re
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from zxcvbn import zxcvbn

from cases.mail.outbound import queue_email

MIN_SCORE = 3
# zxcvbn's cost grows with length; nobody needs a longer password than this.
MAX_LENGTH = 128
PERSONAL_MIN_LENGTH = 4


def personal_words(user) -> list[str]:
    if user is None:
        return []
    words = [getattr(user, "first_name", ""), getattr(user, "last_name", "")]
    email = getattr(user, "email", "") or ""
    local, _, domain = email.partition("@")
    words += [local, *re.split(r"[._+-]", local), domain.split(".")[0]]
    return [word.lower() for word in words if word and len(word) >= PERSONAL_MIN_LENGTH]


def name_words(name: str) -> list[str]:
    """The whole name run together, then its words, lower case, each with and without accents.

    zxcvbn counts a known word as many guesses as its rank in the list: the likeliest guesses come first.
    """
    words = re.findall(r"\w+", name.lower())
    forms = [word for word in ["".join(words), *words] if len(word) >= PERSONAL_MIN_LENGTH]
    return list(dict.fromkeys(variant for form in forms for variant in (form, without_accents(form))))


def without_accents(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def context_words(user) -> list[str]:
    """Words tied to the platform and the member's authorities, which a guess at this account starts with.

    The authorities are those the member belongs to and those inviting them (at sign-up the account
    does not exist yet).
    """
    from authorities.models import Authority

    names = [settings.WAGTAIL_SITE_NAME]
    if user is not None:
        invited = Q(invitations__email__iexact=user.email, invitations__accepted_at__isnull=True)
        authorities = Authority.objects.filter(invited | Q(memberships__user=user) if user.pk else invited)
        names += authorities.values_list("name", flat=True).distinct()
    return [word for name in names for word in name_words(name)]


class StrengthValidator:
    """Estimated strength (zxcvbn, knowing the member's details, the platform's and their authorities' names)
    and no personal details."""

    def __init__(self, min_score: int = MIN_SCORE):
        self.min_score = min_score

    def validate(self, password: str, user=None) -> None:
        if len(password) > MAX_LENGTH:
            raise ValidationError(f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères.", code="too_long")
        words = personal_words(user)
        lowered = password.lower()
        if any(word in lowered for word in words):
            raise ValidationError(
                "Le mot de passe ne doit pas contenir votre nom, votre prénom ou votre adresse électronique.",
                code="password_personal",
            )
        if zxcvbn(password, user_inputs=context_words(user) + words)["score"] < self.min_score:
            raise ValidationError(
                "Ce mot de passe est trop facile à deviner. Allongez-le, par exemple avec plusieurs mots "
                "sans lien entre eux.",
                code="password_too_weak",
            )

    def get_help_text(self) -> str:
        return "Votre mot de passe doit être difficile à deviner : une phrase de plusieurs mots sans lien convient."


def reset_url(user) -> str:
    path = reverse(
        "wagtailadmin_password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def request_password_reset(email: str) -> None:
    """Enqueue the reset for after commit: the request does the same work whether the address is known or not."""
    from authorities.tasks import send_password_reset

    transaction.on_commit(lambda: send_password_reset(email))


def send_password_reset_email(email: str) -> bool:
    """Send the reset link to the active account with this address, if any (the task's body)."""
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    context = {"user": user, "reset_url": reset_url(user), "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
    queue_email("password_reset_request", [user.email], context)
    return True


def signin_url() -> str:
    return settings.SITE_URL + reverse("wagtailadmin_login")


def notify_password_changed(user) -> None:
    queue_email("password_changed", [user.email], {"user": user, "signin_url": signin_url()})


def notify_password_reset(user) -> None:
    queue_email("password_reset_done", [user.email], {"user": user, "signin_url": signin_url()})
