from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", _("Immédiatement, par courriel")
    DIGEST = "digest", _("Dans le récapitulatif du matin")
    NEVER = "never", _("Jamais")


class NotificationSetting(models.Model):
    """An agent's choice; without a row, the defaults (immediately, own cases only)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_setting"
    )
    mode = models.CharField(_("réponses des requérants"), max_length=20, choices=Mode.choices, default=Mode.IMMEDIATE)
    unassigned = models.BooleanField(_("aussi sur les dossiers non assignés de mes collectivités"), default=False)

    class Meta:
        verbose_name = _("réglage de notification")
        verbose_name_plural = _("réglages de notification")

    def __str__(self) -> str:
        return f"{self.user} : {self.get_mode_display()}"


class PendingNotification(models.Model):
    """A received message an agent is to be told about, until the grouped email has gone (`sent_at`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey("cases.Message", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "case", "message"], name="one_notification_per_message_and_user")
        ]
        indexes = [
            models.Index(fields=["user", "created_at"], condition=models.Q(sent_at__isnull=True), name="notify_unsent")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ← {self.message_id} ({self.case_id})"
