"""The audit log's two tables: the entries (append-only) and the chain's head and anchor (one row).

Nothing here is edited after it is written: `AuditEntry.save` refuses an update, its queryset refuses
`update()` and `delete()`, and on PostgreSQL a trigger refuses UPDATE and DELETE of a row except for the
retention clean-up (migration 0001). The actor and the authority are kept as ids without a database
constraint, with the actor's address copied: deleting a user or an authority must not rewrite the log.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64  # the « previous hash » of the very first row


class Action(models.TextChoices):
    CASE_VIEWED = "case_viewed", _("Dossier consulté")
    DOCUMENT_DOWNLOADED = "document_downloaded", _("Document téléchargé")
    SYNTHESIS_DOWNLOADED = "synthesis_downloaded", _("Synthèse PDF téléchargée")
    EXPORTED = "exported", _("Export téléchargé")
    SEARCHED = "searched", _("Recherche de dossiers")
    CASE_DELETED = "case_deleted", _("Dossier supprimé")
    CASE_ANONYMISED = "case_anonymised", _("Dossier anonymisé")
    HOLD_PLACED = "hold_placed", _("Conservation légale décidée")
    HOLD_LIFTED = "hold_lifted", _("Conservation légale levée")
    MEMBER_INVITED = "member_invited", _("Invitation envoyée")
    MEMBER_ADDED = "member_added", _("Membre ajouté")
    INVITATION_CANCELLED = "invitation_cancelled", _("Invitation annulée")
    ROLE_CHANGED = "role_changed", _("Rôle modifié")
    MEMBER_REMOVED = "member_removed", _("Membre retiré de l'équipe")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("Double authentification activée")
    TWO_FACTOR_DISABLED = "two_factor_disabled", _("Double authentification désactivée")
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("Codes de secours renouvelés")
    TWO_FACTOR_RESET = "two_factor_reset", _("Double authentification réinitialisée")
    REFERRAL_PROPOSED = "referral_proposed", _("Transmission de dossier proposée")
    REFERRAL_WITHDRAWN = "referral_withdrawn", _("Proposition de transmission retirée")
    REFERRAL_ACCEPTED = "referral_accepted", _("Dossier transmis à une autre collectivité")
    REFERRAL_DECLINED = "referral_declined", _("Transmission de dossier refusée")
    LOG_PURGED = "log_purged", _("Entrées anciennes du journal supprimées")


class ObjectType(models.TextChoices):
    NONE = "", _("—")
    CASE = "case", _("Dossier")
    DOCUMENT = "document", _("Document")
    USER = "user", _("Utilisateur")
    INVITATION = "invitation", _("Invitation")
    EXPORT = "export", _("Export")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Le journal d'audit ne se modifie pas.")

    def delete(self):
        raise TypeError("Le journal d'audit ne se supprime pas (seul le nettoyage de rétention retire ses entrées).")


class AuditEntry(models.Model):
    """One security-relevant event: who, when (UTC), from where, about what, chained to the row before it.

    `hash` is the SHA-256 of the previous row's hash, the row's position and its content
    (cases/audit/chain.py); `previous_hash` is that previous hash, as read when the row was written.
    """

    seq = models.BigIntegerField(_("n°"), unique=True, help_text="Position in the chain, with no gap.")
    created_at = models.DateTimeField(_("date (UTC)"))
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("utilisateur"), max_length=254, blank=True)
    authority = models.ForeignKey(
        "authorities.Authority",
        verbose_name=_("collectivité"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_type = models.CharField(_("type d'objet"), max_length=20, choices=ObjectType.choices, blank=True)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    object_label = models.CharField(_("objet"), max_length=254, blank=True)
    case_number = models.BigIntegerField(_("dossier"), null=True, blank=True)
    ip = models.CharField(_("adresse IP"), max_length=45, blank=True)
    detail = models.JSONField(_("détail"), default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-seq"]
        # No add/change/delete permission exists to be granted: who reads the log is decided by role.
        default_permissions = ()
        indexes = [
            models.Index(fields=["authority", "-seq"], name="audit_by_authority"),
            models.Index(fields=["created_at"], name="audit_by_date"),
            # The log page's filters by user and by case, newest first (cases/audit/views.py).
            models.Index(fields=["actor_label", "-seq"], name="audit_by_actor"),
            models.Index(fields=["case_number", "-seq"], name="audit_by_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.seq})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Le journal d'audit ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Le journal d'audit ne se supprime pas.")


class AuditChain(models.Model):
    """The chain's one row (pk 1): its head, which every writer updates under its row lock, and its anchor.

    - head: `last_seq` and `last_hash` of the newest row, `previous_hash` the hash before it (so one
      UPDATE … RETURNING gives a writer both ends of the link);
    - anchor: `anchor_seq` and `anchor_hash` of the last row removed by the retention clean-up: the
      oldest remaining row follows it (the genesis hash and 0 before any clean-up).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    previous_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    anchored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("chaîne du journal d'audit")
        default_permissions = ()

    def __str__(self) -> str:
        return f"Journal d'audit : {self.last_seq} entrées"
