"""Sign-in protections: lockout after repeated failures, session limits, two-factor for the admin.

Lockout is django-axes (failures stored in the database, so every web process
sees them), with one change: each lockout parameter has its own limit. Axes
compares one count with one limit; an office behind a single address (a town
hall) needs more room than one account does, so the handler below scales the
per-address count to the per-account limit:

- per account (the email typed): AXES_FAILURE_LIMIT failures (5);
- per IP address: LOCKOUT_LIMITS["ip_address"] failures (20);

both counted over AXES_COOLOFF_TIME (15 minutes), after which the lock lifts.

Sessions end after SESSION_IDLE_TIMEOUT without a request (1 hour) and in any
case SESSION_COOKIE_AGE after sign-in (12 hours). Changing one's password
signs out every other session: Django checks each session's copy of the
password hash (`get_session_auth_hash`), and the views that change it keep
only the current session (`update_session_auth_hash`).

Two-factor (django-otp, TOTP with recovery codes): required for platform
admins, who reach nothing in the admin but the set-up page until they have a
device; anyone who has set up a device is asked for a code after signing in.
"""

import time

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout, user_logged_in
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, Sum
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY, device_classes, user_has_device

from authorities.permissions import PLATFORM_ADMINS_GROUP, is_platform_admin

SIGNED_IN_AT = "mediature_signed_in_at"
LAST_SEEN = "mediature_last_seen"
# The idle clock is written at most once a minute, not on every request.
LAST_SEEN_RESOLUTION = 60


def lockout_username(request, credentials) -> str:
    """Failures count against the email as typed, case and spaces aside (AXES_USERNAME_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).strip().lower()


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout parameter (settings.LOCKOUT_LIMITS)."""

    def get_failures(self, request, credentials=None) -> int:
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=False):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            own_limit = settings.LOCKOUT_LIMITS.get(str(parameter), limit)
            worst = max(worst, limit if failures >= own_limit else failures * limit // own_limit)
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On success, forget the failures of this account only: never those of other accounts
        from the same address, or one valid account would reset the per-address count."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check before the password one; a call without a request (shell, tests) is left to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def confirmed_device_exists(user_ref: str) -> Q:
    """Whether the user (`OuterRef(user_ref)`) has a confirmed device of any django-otp kind, as SQL."""
    confirmed = Q()
    for model in device_classes():
        confirmed |= Exists(model.objects.filter(user=OuterRef(user_ref), confirmed=True))
    return confirmed


class AccountBackend(ModelBackend):
    """Django's password backend, whose user of each request also says what every admin page asks of it.

    Whether the user is a platform admin and has a confirmed two-factor device are asked on every admin
    request (the menu, TwoFactorMiddleware): two EXISTS in the user's own query instead of three queries;
    Wagtail's profile of the user (admin language, time zone, read on every admin page) joins it.
    Read fresh on each request, like the user itself, so a change applies at the next page. Its
    permissions are read in one query instead of Django's two.
    """

    def get_user(self, user_id):
        users = (
            get_user_model()
            ._default_manager.select_related("wagtail_userprofile")
            .annotate(
                platform_admin_group=Exists(
                    get_user_model().groups.through.objects.filter(
                        user=OuterRef("pk"), group__name=PLATFORM_ADMINS_GROUP
                    )
                ),
                confirmed_device=confirmed_device_exists("pk"),
            )
        )
        user = users.filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        user._is_platform_admin = user.is_superuser or user.platform_admin_group
        return user

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and groups' permissions in one query (Django's backend makes two)."""
        if user_obj.is_superuser or obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            granted = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            names = granted.values_list("content_type__app_label", "codename").order_by().distinct()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in names}
        return user_obj._perm_cache


def has_confirmed_device(user) -> bool:
    """Whether the user has set up a second factor: from the request's user when AccountBackend loaded it."""
    known = getattr(user, "confirmed_device", None)
    return user_has_device(user, confirmed=True) if known is None else known


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "authorities/locked_out.html", {"minutes": minutes}, status=429)


@receiver(user_logged_in, dispatch_uid="keep_verified_device")
def keep_verified_device(sender, request, user, **kwargs) -> None:
    """Like django-otp's own handler, for a request without `user` yet (a sign-in that passed both factors)."""
    device = getattr(user, "otp_device", None)
    if device is not None and device.user_id == user.pk and request is not None and hasattr(request, "session"):
        request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


@receiver(user_logged_in, dispatch_uid="start_session_clocks")
def start_session_clocks(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


class SessionLimitsMiddleware:
    """Sign out a session idle for SESSION_IDLE_TIMEOUT, or older than SESSION_COOKIE_AGE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.get(SIGNED_IN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT or now - signed_in_at > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, "Votre session a expiré. Merci de vous reconnecter.")
                if request.path_info.startswith("/admin/"):
                    return redirect(f"{reverse('wagtailadmin_login')}?next={request.path}")
            else:
                if SIGNED_IN_AT not in session:
                    session[SIGNED_IN_AT] = now
                if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN not in session:
                    session[LAST_SEEN] = now
        return self.get_response(request)


# URL names reachable before the second factor (sign-in, sign-out and the two-factor pages themselves).
TWO_FACTOR_OPEN_URLS = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "authorities_two_factor_verify",
        "authorities_two_factor_setup",
    }
)


class TwoFactorMiddleware:
    """In the admin: ask for the code of a set-up device; send platform admins without one to set it up.

    Runs after django_otp's OTPMiddleware, which tells whether this session
    passed the second factor (`request.user.is_verified()`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        redirect_to = self.redirect_for(request)
        if redirect_to:
            return redirect(f"{reverse(redirect_to)}?next={request.get_full_path()}")
        return self.get_response(request)

    def redirect_for(self, request) -> str | None:
        user = request.user
        if not user.is_authenticated or not request.path_info.startswith("/admin/"):
            return None
        if user.is_verified():
            return None
        match = getattr(request, "resolver_match", None)
        name = match.url_name if match else self.url_name(request)
        if name in TWO_FACTOR_OPEN_URLS or name is None:
            return None
        if has_confirmed_device(user):
            return "authorities_two_factor_verify"
        if is_platform_admin(user):
            return "authorities_two_factor_setup"
        return None

    @staticmethod
    def url_name(request) -> str | None:
        from django.urls import Resolver404, resolve

        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None
