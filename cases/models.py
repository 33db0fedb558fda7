"""Cases and everything attached to them.

A case belongs to one authority. Its citizen, notes, attachments, message
links and events cascade with it, so deleting a case leaves no orphan.
"""

import hashlib
import hmac

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Upper
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    GENDER_TITLES,
    Channel,
    Gender,
    NoteKind,
    Originator,
    Outcome,
    Representation,
    Status,
    Transmitter,
)
from cases.regions import HOME_REGION, country_choices, readable_phone


class ListItem(models.Model):
    """An entry of a two-level list: platform item (no authority) or authority addition."""

    name = models.CharField(_("nom"), max_length=150)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    authority = models.ForeignKey(
        "authorities.Authority", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.parent.parent_id is not None:
            raise ValidationError(
                {"parent": _("Deux niveaux au plus : le parent doit être un élément de premier niveau.")}
            )
        if self.parent.authority_id not in (None, self.authority_id):
            raise ValidationError(
                {"parent": _("Le parent doit être un élément de la plateforme ou de la même collectivité.")}
            )


def list_item_constraints(prefix: str) -> list[models.UniqueConstraint]:
    return [
        models.UniqueConstraint(
            Coalesce("parent", 0), Coalesce("authority", 0), "name", name=f"{prefix}_unique_name_per_parent"
        )
    ]


class Domain(ListItem):
    class Meta(ListItem.Meta):
        verbose_name = _("domaine")
        verbose_name_plural = _("domaines")
        constraints = list_item_constraints("domain")


class CompetentThirdParty(ListItem):
    class Meta(ListItem.Meta):
        verbose_name = _("tiers compétent")
        verbose_name_plural = _("tiers compétents")
        constraints = list_item_constraints("competent_third_party")


class CaseQuerySet(models.QuerySet):
    def with_unprocessed_count(self) -> "CaseQuerySet":
        """Annotate `unprocessed_count`: inbound messages still "to process" (one subquery, no N+1)."""
        unprocessed = (
            MessageCase.objects.filter(case=models.OuterRef("pk"), processed=False)
            .order_by()
            .values("case")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(unprocessed_count=Coalesce(models.Subquery(unprocessed), 0))

    def open(self) -> "CaseQuerySet":
        return self.filter(closed_at__isnull=True)

    def closed(self) -> "CaseQuerySet":
        return self.filter(closed_at__isnull=False)


class Case(models.Model):
    number = models.BigAutoField(_("numéro"), primary_key=True)
    # No index of their own: (authority, status) and (assignee, due_date) below begin with them.
    authority = models.ForeignKey(
        "authorities.Authority",
        verbose_name=_("collectivité"),
        on_delete=models.CASCADE,
        related_name="cases",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("médiateur assigné"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        db_index=False,
    )
    status = models.CharField(
        _("avancement du dossier"), max_length=40, choices=Status.choices, default=Status.TO_PROCESS
    )
    channel = models.CharField(_("mode de saisine"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    originator = models.CharField(
        _("origine de la demande"), max_length=40, choices=Originator.choices, default=Originator.CITIZEN
    )

    prior_complaint = models.BooleanField(_("premier recours à l'amiable effectué"), null=True, blank=True)
    prior_complaint_answered = models.BooleanField(_("réponse de l'administration reçue"), null=True, blank=True)
    description = models.TextField(_("motif de la demande"))
    email_copy_wanted = models.BooleanField(_("copie des réponses envoyée"), default=False)

    competent = models.BooleanField(_("compétence de la collectivité"), null=True, blank=True)
    domain = models.ForeignKey(Domain, verbose_name=_("domaine"), null=True, blank=True, on_delete=models.PROTECT)
    competent_third_party = models.ForeignKey(
        CompetentThirdParty, verbose_name=_("tiers compétent"), null=True, blank=True, on_delete=models.PROTECT
    )
    due_date = models.DateField(_("échéance"), null=True, blank=True)

    closed_at = models.DateTimeField(_("date de clôture"), null=True, blank=True)
    outcome = models.CharField(_("type de clôture"), max_length=40, choices=Outcome.choices, blank=True)
    face_to_face = models.BooleanField(_("a conduit à une médiation en présentiel"), default=False)
    agreement = models.BooleanField(_("accord des parties"), null=True, blank=True)
    court_next = models.BooleanField(_("poursuite au tribunal administratif"), null=True, blank=True)
    conclusion = models.TextField(_("résultat final (note interne)"), blank=True)

    # Retention (cases/privacy/): a held case is never anonymised; an anonymised one keeps only its statistics.
    held_since = models.DateTimeField(_("sous conservation légale depuis le"), null=True, blank=True)
    hold_reason = models.TextField(_("motif de la conservation légale"), blank=True)
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)
    # When an agent first wrote to the citizen (cases/mail/messenger.py): the statistics' delay to a first
    # answer (cases/insight/) reads it here rather than searching a million cases' messages.
    first_answer_at = models.DateTimeField(_("première réponse au requérant le"), null=True, blank=True)

    created_at = models.DateTimeField(_("date de la demande"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = CaseQuerySet.as_manager()
    # Nothing is found through a case's references (its authority, assignee, lists): Wagtail's reference
    # index would only add a row per case and a read-and-rewrite of it to every save.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(prior_complaint=True) | Q(prior_complaint_answered__isnull=True),
                name="answer_only_after_prior_complaint",
            ),
            models.CheckConstraint(
                condition=~Q(competent=True, competent_third_party__isnull=False), name="competent_has_no_third_party"
            ),
            models.CheckConstraint(
                condition=~Q(competent=False, domain__isnull=False), name="not_competent_has_no_domain"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(outcome=""), name="closed_case_has_outcome"
            ),
        ]
        indexes = [
            models.Index(fields=["authority", "status"]),
            models.Index(fields=["assignee", "due_date"]),
            # The case index's order within an authority (cases/workspace/index.py DUE_ORDER): a page, however
            # deep, is read along this index instead of sorting all the authority's cases (PostgreSQL only:
            # migration 0009).
            models.Index(
                F("authority"), F("due_date").asc(nulls_last=True), F("number").desc(), name="case_authority_due_order"
            ),
            # The nightly anonymisation and the 30-day notice read the closed cases not anonymised yet.
            models.Index(
                fields=["closed_at"],
                condition=Q(closed_at__isnull=False, anonymised_at__isnull=True),
                name="case_awaiting_anonymisation",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Dossier n°{self.number}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_held(self) -> bool:
        return self.held_since is not None

    def refuse_if_anonymised(self) -> None:
        """An anonymised case takes no new data: it would be personal data again, kept past its period."""
        if self.anonymised_at is not None:
            raise ValidationError(_("Ce dossier est anonymisé : il ne peut plus être modifié."))

    @property
    def reply_address(self) -> str:
        return f"dossier-{self.number}-{reply_signature(self.number)}@{settings.INBOUND_DOMAIN}"

    def clean(self) -> None:
        errors = {}
        if self.prior_complaint is not True and self.prior_complaint_answered is not None:
            errors["prior_complaint_answered"] = _("Indiquez d'abord qu'un premier recours a été effectué.")
        if self.competent is True and self.competent_third_party_id:
            errors["competent_third_party"] = _(
                "Un tiers compétent ne s'indique que si la collectivité n'est pas compétente."
            )
        if self.competent is False and self.domain_id:
            errors["domain"] = _("Un domaine ne s'indique que si la collectivité est compétente.")
        if self.closed_at and not self.outcome:
            errors["outcome"] = _("Le type de clôture est obligatoire pour clôturer le dossier.")
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None) -> None:
        """The check constraints are `clean`'s rules, stated there in Python with a message on their field;
        PostgreSQL enforces them again on write. Asking it first would cost a query (and a savepoint) each."""


def reply_signature(number: int) -> str:
    """HMAC of the case number, so reply addresses cannot be guessed or altered."""
    digest = hmac.new(settings.REPLY_ADDRESS_SECRET.encode(), str(number).encode(), hashlib.sha256)
    return digest.hexdigest()[:12]


class Citizen(models.Model):
    """The requester of one case (one row per case, so a case can be anonymised alone)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="citizen", primary_key=True)
    gender = models.CharField(_("identité de genre"), max_length=20, choices=Gender.choices, blank=True)
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    representation = models.CharField(
        _("type de requérant"), max_length=30, choices=Representation.choices, default=Representation.INDIVIDUAL
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True, help_text=_("Au format international E.164."))
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=20, blank=True)
    city = models.CharField(_("ville"), max_length=200, blank=True)
    country = models.CharField(_("pays"), max_length=2, choices=country_choices, default=HOME_REGION)

    class Meta:
        verbose_name = _("requérant")
        verbose_name_plural = _("requérants")
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            # Similar cases compare names and email case-insensitively (`__iexact`, which PostgreSQL runs as
            # UPPER(column::text) = UPPER(value)): these are the expressions those lookups emit.
            models.Index(Upper("last_name"), Upper("first_name"), name="citizen_name_upper"),
            models.Index(Upper("email"), name="citizen_email_upper"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_phone_display(self) -> str:
        return readable_phone(self.phone)

    @property
    def title(self) -> str:
        return GENDER_TITLES.get(self.gender, "")

    @property
    def has_address(self) -> bool:
        return bool(self.street and self.postal_code and self.city)

    def clean(self) -> None:
        if not (self.email or self.phone or self.has_address):
            raise ValidationError(
                _(
                    "Indiquez au moins un moyen de vous contacter : adresse électronique, "
                    "adresse postale complète ou téléphone."
                )
            )


class CaseSearch(models.Model):
    """What a case is found by in the agents' search (cases/search/), one row per case.

    Kept out of the case row on purpose: the vector of a case's notes and messages
    weighs kilobytes and is rewritten after each note, message or citizen change.
    In `cases_case` it would widen every scan of the case index, and each rewrite
    would copy the whole case row and touch every one of its indexes. Here a
    rewrite touches one narrow row and the two search indexes only.

    `authority` repeats the case's, so the scoping filter and the match are read
    from one GIN index each (btree_gin). `names` holds the citizen's names and
    email, lower-cased without accents, for trigram matching of partial or
    misspelled names. Both indexes exist on PostgreSQL only; on SQLite the table
    stays empty and the search falls back to `icontains`.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="search")
    authority = models.ForeignKey("authorities.Authority", on_delete=models.CASCADE, related_name="+", db_index=False)
    document = SearchVectorField()
    names = models.TextField(blank=True)

    class Meta:
        indexes = [
            GinIndex(fields=["authority", "document"], name="case_search_document"),
            GinIndex(F("authority"), OpClass(F("names"), name="gin_trgm_ops"), name="case_search_names_trigram"),
        ]

    def __str__(self) -> str:
        return f"Recherche du dossier n°{self.case_id}"


class Attachment(models.Model):
    """A file of a case or a message. Its bytes live in AttachmentContent so listings never load them."""

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey("Message", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("nom"), max_length=255)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveIntegerField(_("taille"))
    sha256 = models.CharField(max_length=64)
    transmitter = models.CharField(_("transmis par"), max_length=20, choices=Transmitter.choices)
    inline_cid = models.CharField(max_length=255, blank=True, help_text="Content-ID of an inline email image.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class AttachmentContent(models.Model):
    attachment = models.OneToOneField(Attachment, on_delete=models.CASCADE, primary_key=True, related_name="content")
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"Contenu de {self.attachment_id}"


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField(_("date de la note"))
    kind = models.CharField(_("type"), max_length=20, choices=NoteKind.choices, default=NoteKind.NOTE)
    content = models.TextField(_("contenu"), help_text="Sanitised HTML.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"


class Message(models.Model):
    """Every email in or out is a row first: the outbox and the inbox."""

    class Direction(models.TextChoices):
        IN = "in", _("Reçu")
        OUT = "out", _("Envoyé")

    class State(models.TextChoices):
        QUEUED = "queued", _("En file d'attente")
        SENDING = "sending", _("Envoi en cours")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec de l'envoi")
        UNDELIVERED = "undelivered", _("Non distribué")
        # From the recipient's server: a « delayed » delivery report, a « delivered » one, a read receipt.
        DELAYED = "delayed", _("Distribution retardée")
        DELIVERED = "delivered", _("Distribué")
        READ = "read", _("Lu")
        RECEIVED = "received", _("Reçu")

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        AUTO_REPLY = "auto_reply", _("Réponse automatique")

    direction = models.CharField(max_length=3, choices=Direction.choices)
    status = models.CharField(max_length=20, choices=State.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MESSAGE)
    template = models.CharField(max_length=60, blank=True, help_text="Name of the email template, for outgoing mail.")
    cases = models.ManyToManyField(Case, through="MessageCase", related_name="messages")
    from_email = models.CharField(max_length=320)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    reply_to = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True, help_text="Sanitised HTML.")
    full_html = models.TextField(
        blank=True,
        help_text="Inbound: the whole email as sanitised HTML, quoted history included, when stripping removed some.",
    )
    content_subject = models.CharField(
        max_length=255, blank=True, help_text="What an agent wrote (subject), wrapped in a template to make the email."
    )
    content_html = models.TextField(blank=True, help_text="What an agent wrote (sanitised HTML).")
    rejected_files = models.JSONField(
        default=list, blank=True, help_text="Inbound files that were refused: [{name, reason}]."
    )
    message_id = models.CharField(max_length=998)  # indexed in Meta: equality only, no LIKE index beside it
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="Inbound: hash of what the email says, so a reused Message-ID is not merged.",
    )
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    attempts = models.PositiveSmallIntegerField(default=0)
    provider = models.CharField(max_length=20, blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next sending attempt is due (the sweeper re-queues late ones)."
    )
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a worker started sending it.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "direction"]), models.Index(fields=["message_id"], name="message_id")]
        constraints = [
            # The same inbound email reaching us twice (Mailjet calls once per case address,
            # providers retry) is one message; another email under the same Message-ID is another message.
            models.UniqueConstraint(
                fields=["message_id", "from_email", "fingerprint"],
                condition=Q(direction="in"),
                name="one_inbound_message_per_content",
            )
        ]

    def __str__(self) -> str:
        return self.subject or f"Message {self.pk}"


class InboundEmail(models.Model):
    """An email as it reached one of the three doors, stored before the door answers.

    The raw RFC 822 bytes live here, in their own table, so message listings never
    load them. A task then threads it onto its case(s); what cannot be threaded is
    kept aside for a platform admin, never attached to a case.
    """

    wagtail_reference_index_ignore = True  # its one reference, to its message, is never looked up

    class Door(models.TextChoices):
        MAILJET = "mailjet", "Mailjet"
        BREVO = "brevo", "Brevo"
        MTA = "mta", _("Serveur de messagerie")
        WEB = "web", _("Suivi en ligne du requérant")

    class State(models.TextChoices):
        RECEIVED = "received", _("Reçu, à trier")
        THREADED = "threaded", _("Rattaché à un dossier")
        KEPT_ASIDE = "kept_aside", _("Mis de côté")
        IGNORED = "ignored", _("Ignoré")

    class Reason(models.TextChoices):
        NONE = "", _("—")
        UNKNOWN_RECIPIENT = "unknown", _("Aucun dossier ne correspond au destinataire")
        FORGED_ADDRESS = "forged", _("Adresse de dossier falsifiée")
        TOO_MANY_CASES = "too_many_cases", _("Trop de dossiers destinataires (spam)")
        UNREADABLE = "unreadable", _("Message illisible")
        BOUNCE = "bounce", _("Avis de non-distribution")
        LOOP = "loop", _("Message envoyé par la plateforme elle-même")
        RECEIPT = "receipt", _("Accusé de réception ou de lecture")
        DELAYED = "delayed", _("Avis de distribution retardée")

    door = models.CharField(_("provenance"), max_length=10, choices=Door.choices)
    raw = models.BinaryField(_("message brut"))
    size = models.PositiveIntegerField(_("taille"))
    envelope_sender = models.CharField(max_length=320, blank=True)
    envelope_recipient = models.CharField(max_length=320, blank=True)
    state = models.CharField(_("état"), max_length=20, choices=State.choices, default=State.RECEIVED)
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices, blank=True)
    from_header = models.CharField(_("expéditeur"), max_length=998, blank=True)
    subject = models.CharField(_("sujet"), max_length=998, blank=True)
    recipients = models.JSONField(_("destinataires"), default=list, blank=True)
    message = models.ForeignKey("Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="raw_emails")
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(_("reçu le"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("courriel reçu")
        verbose_name_plural = _("courriels reçus")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self) -> str:
        return self.subject or f"Courriel reçu n°{self.pk}"


class MessageCase(models.Model):
    """Link between a message and a case; inbound messages are "to process" until an agent marks them."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="message_links")
    processed = models.BooleanField(null=True, blank=True, help_text="None for outgoing messages.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "case"], name="one_link_per_message_and_case")]
        indexes = [models.Index(fields=["case", "processed"])]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.case_id}"


class CaseEvent(models.Model):
    """The case timeline: who did what, when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Dossier créé")
        STATUS_CHANGED = "status_changed", _("Avancement modifié")
        ASSIGNED = "assigned", _("Dossier assigné")
        UNASSIGNED = "unassigned", _("Dossier désassigné")
        UPDATED = "updated", _("Champs modifiés")
        CLOSED = "closed", _("Dossier clôturé")
        REOPENED = "reopened", _("Dossier rouvert")
        MESSAGE_SENT = "message_sent", _("Message envoyé")
        MESSAGE_RECEIVED = "message_received", _("Message reçu")
        NOTE_ADDED = "note_added", _("Note ajoutée")
        NOTE_UPDATED = "note_updated", _("Note modifiée")
        NOTE_DELETED = "note_deleted", _("Note supprimée")
        DOCUMENTS_ADDED = "documents_added", _("Documents ajoutés")
        DOCUMENT_REMOVED = "document_removed", _("Document retiré")
        HOLD_PLACED = "hold_placed", _("Conservation légale décidée")
        HOLD_LIFTED = "hold_lifted", _("Conservation légale levée")
        ANONYMISED = "anonymised", _("Dossier anonymisé")
        REFERRAL_PROPOSED = "referral_proposed", _("Transmission proposée")
        REFERRAL_WITHDRAWN = "referral_withdrawn", _("Proposition de transmission retirée")
        REFERRAL_ACCEPTED = "referral_accepted", _("Transmission acceptée")
        REFERRAL_DECLINED = "referral_declined", _("Transmission refusée")
        CITIZEN_PAGE_OPENED = "citizen_page_opened", _("Suivi en ligne ouvert par le requérant")
        CITIZEN_LINK_SENT = "citizen_link_sent", _("Lien de suivi envoyé au requérant")
        CITIZEN_LINKS_REVOKED = "citizen_links_revoked", _("Liens de suivi révoqués")
        CITIZEN_LETTER_ISSUED = "citizen_letter_issued", _("Code de suivi par courrier émis")
        CITIZEN_REFERRAL_ANSWER = "citizen_referral_answer", _("Réponse du requérant à la transmission")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id})"

    @property
    def detail(self) -> str:
        """What the event was about, in one line under its label: a subject, a sender, a note, file names."""
        if self.kind == self.Kind.MESSAGE_SENT and "to" in self.data:
            return f"« {self.data.get('subject', '')} » à {', '.join(self.data.get('to', []))}"
        if self.kind == self.Kind.MESSAGE_RECEIVED and "from" in self.data:
            return f"de {self.data.get('from', '')}"
        return self.data.get("detail", "")


class RetentionPeriod(models.Model):
    """An authority's own retention period, shorter than the platform's `RETENTION_MONTHS` (cases/privacy/).

    No row: the platform's period. A row longer than the platform's (the setting was lowered since)
    counts as the platform's: an authority never keeps files longer.
    """

    authority = models.OneToOneField(
        "authorities.Authority", on_delete=models.CASCADE, primary_key=True, related_name="retention_period"
    )
    months = models.PositiveSmallIntegerField(_("durée de conservation après clôture (mois)"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("durée de conservation")
        verbose_name_plural = _("durées de conservation")

    def __str__(self) -> str:
        return f"{self.authority_id} : {self.months} mois"
