"""Keys to a citizen's case page, and what was done with them.

A key is either a link (« Suivre mon dossier », 256 random bits, valid until the case is anonymised)
or a letter code (typed by a citizen without email, one use, valid 90 days). Only its SHA-256 is
stored, beside the hash of the citizen's email it was issued to (with the case number): a key stops
working when the case's email changes, and the table holds no address in clear. Revoked keys stay,
with who revoked them and when, until the case is anonymised (cases/privacy/anonymise.py deletes them).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessKey(models.Model):
    # Found through nothing but their hash and case: Wagtail's reference index would add rows to each write.
    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        LINK = "link", _("Lien personnel")
        LETTER_CODE = "letter_code", _("Code par courrier")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="access_keys")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.LINK)
    secret_hash = models.CharField(max_length=64, unique=True)
    email_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the case number and the citizen's email (empty: none)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="None: until the case is anonymised.")
    used_at = models.DateTimeField(null=True, blank=True, help_text="First exchange for a session.")
    last_seen_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("accès au suivi en ligne")
        verbose_name_plural = _("accès au suivi en ligne")
        indexes = [models.Index(fields=["case"], condition=Q(revoked_at__isnull=True), name="access_key_active")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du dossier n°{self.case_id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class ReferralAnswer(models.Model):
    """The citizen's answer, on their page, to a referral proposed « par son suivi en ligne » (issue 16)."""

    wagtail_reference_index_ignore = True

    referral = models.OneToOneField(
        "referral.Referral", on_delete=models.CASCADE, primary_key=True, related_name="citizen_answer"
    )
    agreed = models.BooleanField(_("accord du requérant"))
    answered_at = models.DateTimeField(_("répondu le"), auto_now_add=True)

    class Meta:
        verbose_name = _("réponse du requérant à une transmission")
        verbose_name_plural = _("réponses du requérant à une transmission")

    def __str__(self) -> str:
        return f"{'Accord' if self.agreed else 'Refus'} ({self.referral_id})"


class AccessEvent(models.Model):
    """What happened in the citizen's space, for the agent's « suivi en ligne » box (no address, no IP)."""

    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        OPENED = "opened", _("Page de suivi ouverte")
        ANSWERED = "answered", _("Réponse envoyée en ligne")
        WITHDREW = "withdrew", _("Demande retirée")
        LINK_REQUESTED = "link_requested", _("Nouveau lien demandé")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="access_events")
    key = models.ForeignKey(AccessKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("événement du suivi en ligne")
        verbose_name_plural = _("événements du suivi en ligne")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["case", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id})"
