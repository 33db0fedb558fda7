"""A referral: one proposal to pass a case from its authority to another one, and its answer.

The row is kept whatever the answer, so the sending authority keeps its line once the case has left,
and the statistics count what was sent, received, accepted and declined (`figures`). At most one
proposal of a case waits for an answer at a time (a partial unique index).
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    TERRITORY = "territory", _("Hors du territoire de la collectivité")
    COMPETENCE = "competence", _("Hors des compétences de la collectivité")
    OTHER = "other", _("Autre motif (précisé dans la note)")


class Consent(models.TextChoices):
    """How the citizen agreed to the referral (recorded by the proposing agent)."""

    EMAIL = "email", _("Par courriel")
    PHONE = "phone", _("Par téléphone")
    LETTER = "letter", _("Par courrier")
    # Asked on the citizen's case page (cases/citizen/consent.py): the receiving authority accepts only once
    # the citizen has agreed there.
    PAGE = "page", _("Par son suivi en ligne (la question lui est posée)")


class State(models.TextChoices):
    PROPOSED = "proposed", _("En attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Refusée")
    WITHDRAWN = "withdrawn", _("Retirée")


class Referral(models.Model):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="referrals"
    )
    from_authority = models.ForeignKey(
        "authorities.Authority",
        verbose_name=_("collectivité d'origine"),
        on_delete=models.CASCADE,
        related_name="referrals_sent",
    )
    to_authority = models.ForeignKey(
        "authorities.Authority",
        verbose_name=_("collectivité destinataire"),
        on_delete=models.CASCADE,
        related_name="referrals_received",
    )
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note pour la collectivité destinataire"))
    consent = models.CharField(_("accord du requérant recueilli"), max_length=10, choices=Consent.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposée par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    status = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PROPOSED)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("réponse de"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answer_reason = models.TextField(_("motif de la réponse"), blank=True)
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)

    class Meta:
        verbose_name = _("transmission")
        verbose_name_plural = _("transmissions")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="proposed"), name="one_open_referral_per_case"),
            models.CheckConstraint(condition=~Q(from_authority=models.F("to_authority")), name="referral_elsewhere"),
        ]
        indexes = [
            models.Index(fields=["to_authority", "status", "proposed_at"]),
            models.Index(fields=["from_authority", "proposed_at"]),
        ]

    def __str__(self) -> str:
        return f"Transmission du dossier n°{self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.status == State.PROPOSED


def figures(authority_ids, since=None, until=None) -> dict[str, int]:
    """What the statistics count for these authorities, in one aggregate: proposals sent and received (withdrawn
    ones included), and of those, accepted and declined, by the date of the proposal (`since` included,
    `until` excluded)."""
    referrals = Referral.objects.filter(Q(from_authority__in=authority_ids) | Q(to_authority__in=authority_ids))
    if since:
        referrals = referrals.filter(proposed_at__gte=since)
    if until:
        referrals = referrals.filter(proposed_at__lt=until)
    sent, received = Q(from_authority__in=authority_ids), Q(to_authority__in=authority_ids)
    return referrals.aggregate(
        sent=Count("pk", filter=sent),
        sent_accepted=Count("pk", filter=sent & Q(status=State.ACCEPTED)),
        sent_declined=Count("pk", filter=sent & Q(status=State.DECLINED)),
        received=Count("pk", filter=received),
        received_accepted=Count("pk", filter=received & Q(status=State.ACCEPTED)),
        received_declined=Count("pk", filter=received & Q(status=State.DECLINED)),
    )
