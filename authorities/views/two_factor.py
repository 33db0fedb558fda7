"""Two-factor sign-in (django-otp): set up an authenticator app, verify a code, recovery codes, turn it off.

- Set-up: a TOTP device is created unconfirmed with a fresh secret, shown as a
  QR code (SVG, drawn here by segno) and as text; it is confirmed by a first
  valid code. Ten recovery codes are then shown once.
- Verification after sign-in accepts an app code or an unused recovery code
  (each recovery code works once). django-otp slows down repeated failures.
- Platform admins must keep two-factor on; anyone else may turn it off with a code.

Turning it on, off and renewing the recovery codes are written to the audit log, one row per authority
of the user (their main agents read it), in the transaction that made the change.
"""

import io

import segno
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from authorities.forms import TokenForm
from authorities.permissions import is_platform_admin
from cases import audit

RECOVERY_CODES = 10
SETUP_DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"
SESSION_NEW_CODES = "mediature_new_recovery_codes"


def safe_next(request, default: str = "wagtailadmin_home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    from django.urls import reverse

    return reverse(default)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ten new ones and return them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def record_account_event(request, action: audit.Action) -> None:
    audit.record_many(request, action, audit.user_targets(request.user))


def qr_code_svg(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True, title="Code QR")
    return buffer.getvalue().decode()


class TwoFactorStatusView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "authorities/two_factor/status.html"
    page_title = "Double authentification"
    header_icon = "key"

    def get_context_data(self, **kwargs):
        user = self.request.user
        recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
        return super().get_context_data(
            enabled=user_has_device(user, confirmed=True),
            required=is_platform_admin(user),
            recovery_left=recovery.token_set.count() if recovery else 0,
            new_codes=self.request.session.pop(SESSION_NEW_CODES, None),
            **kwargs,
        )


class TwoFactorSetupView(FormView):
    """Shown on its own (no menu): platform admins land here until they have a device."""

    template_name = "authorities/two_factor/setup.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        if user_has_device(request.user, confirmed=True):
            return redirect("authorities_two_factor")
        return super().dispatch(request, *args, **kwargs)

    def device(self) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=self.request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=self.request.user, name=SETUP_DEVICE_NAME, confirmed=False)
        return device

    def get_context_data(self, **kwargs):
        device = self.device()
        secret = device.config_url.split("secret=")[1].split("&")[0]
        return super().get_context_data(
            qr_code=mark_safe(qr_code_svg(device.config_url)),  # noqa: S308 (SVG drawn by segno from our own URL)
            secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            required=is_platform_admin(self.request.user),
            next=safe_next(self.request),
            **kwargs,
        )

    def form_valid(self, form):
        device = self.device()
        if not device.verify_token(form.cleaned_data["token"]):
            form.add_error("token", "Ce code n'est pas valide. Vérifiez l'heure de votre téléphone et réessayez.")
            return self.form_invalid(form)
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = new_recovery_codes(self.request.user)
            record_account_event(self.request, audit.Action.TWO_FACTOR_ENABLED)
        otp_login(self.request, device)
        self.request.session[SESSION_NEW_CODES] = codes
        messages.success(self.request, "La double authentification est activée.")
        return redirect("authorities_two_factor")


class TwoFactorVerifyView(FormView):
    """The second step of signing in: a code from the app, or a recovery code."""

    template_name = "authorities/two_factor/verify.html"
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_verified() or not user_has_device(request.user, confirmed=True):
            return redirect(safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=safe_next(self.request), **kwargs)

    def form_valid(self, form):
        device = match_token(self.request.user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", "Ce code n'est pas valide.")
            return self.form_invalid(form)
        otp_login(self.request, device)
        return redirect(safe_next(self.request))


class RecoveryCodesView(TemplateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not user_has_device(request.user, confirmed=True):
            raise Http404
        with transaction.atomic():
            request.session[SESSION_NEW_CODES] = new_recovery_codes(request.user)
            record_account_event(request, audit.Action.RECOVERY_CODES_RENEWED)
        messages.success(request, "Vos nouveaux codes de secours remplacent les précédents.")
        return redirect("authorities_two_factor")


class TwoFactorDisableView(FormView):
    http_method_names = ["post"]
    form_class = TokenForm

    def post(self, request, *args, **kwargs):
        if is_platform_admin(request.user):
            messages.error(request, "La double authentification est obligatoire pour les administrateurs.")
            return redirect("authorities_two_factor")
        form = self.get_form()
        if not (form.is_valid() and match_token(request.user, form.cleaned_data["token"])):
            messages.error(request, "Ce code n'est pas valide : la double authentification reste activée.")
            return redirect("authorities_two_factor")
        with transaction.atomic():
            TOTPDevice.objects.filter(user=request.user).delete()
            StaticDevice.objects.filter(user=request.user).delete()
            record_account_event(request, audit.Action.TWO_FACTOR_DISABLED)
        messages.success(request, "La double authentification est désactivée.")
        return redirect("authorities_two_factor")
