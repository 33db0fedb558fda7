"""Issuing, checking and revoking the keys to a citizen's case page, and the session they open.

- A link's secret is `secrets.token_urlsafe(32)` (256 bits); a letter code is 16 characters of Crockford's
  base 32 (80 bits, typed by hand, always with its case number, and rate limited like the recovery form).
  Only their SHA-256 is stored.
- `key_for(secret)` is the only way in: a key is refused, all alike, when it is unknown, revoked,
  expired, already used (a letter code), issued to another email than the case's now, or when its case is
  anonymised. Callers show one and the same page for every refusal.
- A key exchanged for a session (`open_session`) gives a signed cookie naming the key and the case, valid
  CITIZEN_SESSION_SECONDS after the last page seen, for /suivi/ only; each page checks the key again, so
  revoking the links or anonymising the case closes the sessions they opened at the next click.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cases.citizen.models import AccessEvent, AccessKey
from cases.models import Case, CaseEvent

LETTER_CODE_DAYS = 90
LETTER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LETTER_CODE_LENGTH = 16
COOKIE_NAME = "mediature_suivi"
COOKIE_PATH = "/suivi/"
COOKIE_SALT = "cases.citizen.session"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def email_digest(case_number: int, email: str) -> str:
    """The citizen's email as the key row keeps it: hashed with the case number, so the table repeats no
    address (nor the same hash on two cases). No secret in it: rotating SECRET_KEY leaves the links working."""
    if not email:
        return ""
    return digest(f"{case_number}:{email.strip().lower()}")


def citizen_email(case: Case) -> str:
    citizen = getattr(case, "citizen", None)
    return citizen.email if citizen is not None else ""


def issue_link(case: Case, email: str, *, issued_by=None) -> str:
    """A new personal link's secret for `email` (the case's citizen's): returned once, stored hashed."""
    secret = secrets.token_urlsafe(32)
    AccessKey.objects.create(
        case=case,
        kind=AccessKey.Kind.LINK,
        secret_hash=digest(secret),
        email_hash=email_digest(case.number, email),
        issued_by=issued_by,
    )
    return secret


def normalise_code(code: str) -> str:
    """What the citizen typed, as the code was issued: upper case, no spaces or dashes, Crockford's look-alikes."""
    code = "".join(code.split()).replace("-", "").upper()
    return code.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def letter_secret(case_number: int, code: str) -> str:
    """A letter code is short: hashed with its case number, the same code on two cases is two keys."""
    return f"{case_number}:{normalise_code(code)}"


@transaction.atomic
def issue_letter_code(actor, case: Case) -> str:
    """A one-time code for a letter to a citizen without email (valid LETTER_CODE_DAYS), shown once."""
    code = "".join(secrets.choice(LETTER_ALPHABET) for _ in range(LETTER_CODE_LENGTH))
    AccessKey.objects.create(
        case=case,
        kind=AccessKey.Kind.LETTER_CODE,
        secret_hash=digest(letter_secret(case.number, code)),
        email_hash=email_digest(case.number, citizen_email(case)),
        expires_at=timezone.now() + timedelta(days=LETTER_CODE_DAYS),
        issued_by=actor,
    )
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CITIZEN_LETTER_ISSUED, actor=actor)
    return "-".join(code[i : i + 4] for i in range(0, LETTER_CODE_LENGTH, 4))


def usable(key: AccessKey | None, *, exchange: bool) -> bool:
    if key is None or key.revoked_at is not None or key.is_expired:
        return False
    if key.case.anonymised_at is not None or not hmac.compare_digest(
        key.email_hash, email_digest(key.case_id, citizen_email(key.case))
    ):
        return False
    return not (exchange and key.kind == AccessKey.Kind.LETTER_CODE and key.used_at is not None)


def key_for(secret: str, *, exchange: bool = True) -> AccessKey | None:
    """The key of this secret if it opens its case's page now, else None (whatever the reason)."""
    if not secret or len(secret) > 200:
        return None
    key = (
        AccessKey.objects.select_related("case__citizen", "case__authority").filter(secret_hash=digest(secret)).first()
    )
    return key if usable(key, exchange=exchange) else None


@transaction.atomic
def open_session(key: AccessKey, response: HttpResponse) -> None:
    """Exchange the key for the session cookie; the first time, the agent's timeline says the page was opened."""
    now = timezone.now()
    first = key.used_at is None
    AccessKey.objects.filter(pk=key.pk).update(used_at=F("used_at") if not first else now, last_seen_at=now)
    AccessEvent.objects.create(case=key.case, key=key, kind=AccessEvent.Kind.OPENED)
    if first:
        CaseEvent.objects.create(
            case=key.case, kind=CaseEvent.Kind.CITIZEN_PAGE_OPENED, data={"detail": key.get_kind_display()}
        )
    set_cookie(response, key)


def set_cookie(response: HttpResponse, key: AccessKey) -> None:
    value = signing.dumps({"key": key.pk, "case": key.case_id}, salt=COOKIE_SALT, compress=True)
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=settings.CITIZEN_SESSION_SECONDS,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def end_session(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Lax")


@dataclass(frozen=True)
class CitizenSession:
    key: AccessKey

    @property
    def case(self) -> Case:
        return self.key.case


def session_of(request: HttpRequest) -> CitizenSession | None:
    """The citizen session the request carries, if its key still opens the case; None for anyone else.

    A signed-in member of the platform is never a citizen here, even holding a citizen's cookie: an agent
    answering « as the citizen » would forge the case's record."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return None
    value = request.COOKIES.get(COOKIE_NAME, "")
    try:
        data = signing.loads(value, salt=COOKIE_SALT, max_age=settings.CITIZEN_SESSION_SECONDS)
    except signing.BadSignature:
        return None
    key = (
        AccessKey.objects.select_related("case__citizen", "case__authority")
        .filter(pk=data.get("key"), case_id=data.get("case"))
        .first()
    )
    if not usable(key, exchange=False):
        return None
    AccessKey.objects.filter(pk=key.pk).update(last_seen_at=timezone.now())
    return CitizenSession(key)


@transaction.atomic
def revoke_all(actor, case: Case) -> int:
    """Every key of the case stops working now (and the sessions they opened); the timeline says so."""
    revoked = AccessKey.objects.filter(case=case, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.CITIZEN_LINKS_REVOKED, actor=actor, data={"detail": f"{revoked} accès"}
    )
    return revoked


def forget_access(numbers: list[int]) -> None:
    """Anonymisation (cases/privacy/anonymise.py): the keys go with the citizen; the events, which name
    nobody, stay for the statistics."""
    AccessKey.objects.filter(case_id__in=numbers).delete()
