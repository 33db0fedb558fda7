"""People and organisations: users, authorities (collectivités) and their teams."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from authorities.territory.geography import departement_choices, region_choices

SLUG_VALIDATOR = RegexValidator(
    r"^[a-z0-9]+(-[a-z0-9]+)*$",
    _("Lettres minuscules sans accent, chiffres et tirets simples uniquement (ex. « ville-de-lyon »)."),
)


class UserManager(DjangoUserManager):
    """Members sign in with their email address, which is their identifier."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, email):
        """Sign-in finds the account whatever the case of the email typed."""
        return self.get(email__iexact=(email or "").strip())

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name"]
        # Sign-in, password reset and invitations look addresses up case-insensitively (`email__iexact`,
        # UPPER(email) = UPPER(…) on PostgreSQL): the unique index on the raw column does not serve that.
        indexes = [models.Index(Upper("email"), name="user_email_upper")]

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Authority(models.Model):
    class Type(models.TextChoices):
        CITY = "city", _("Ville")
        FEDERATION_OF_CITIES = "federation_of_cities", _("Intercommunalité")
        SUBDIVISION = "subdivision", _("Département")
        REGION = "region", _("Région")

    name = models.CharField(_("nom"), max_length=150, unique=True)
    slug = models.CharField(
        _("identifiant"),
        max_length=30,
        unique=True,
        validators=[SLUG_VALIDATOR],
        help_text=_("Utilisé dans les adresses des pages publiques. Il ne pourra plus être modifié."),
    )
    type = models.CharField(_("type"), max_length=30, choices=Type.choices, default=Type.CITY)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name=_("collection d'images et de documents"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="authority",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    departement_code = models.CharField(
        _("département"), max_length=3, blank=True, choices=departement_choices, db_index=True
    )
    region_code = models.CharField(_("région"), max_length=2, blank=True, choices=region_choices, db_index=True)

    class Meta:
        verbose_name = _("collectivité")
        verbose_name_plural = _("collectivités")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AuthorityCommune(models.Model):
    """A commune (by its INSEE code) in the territory of a city or an intercommunal body."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="communes")
    insee_code = models.CharField(_("code INSEE"), max_length=5, db_index=True)

    class Meta:
        verbose_name = _("commune du territoire")
        verbose_name_plural = _("communes du territoire")
        ordering = ["insee_code"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "insee_code"], name="one_row_per_authority_and_commune")
        ]

    def __str__(self) -> str:
        return self.insee_code


class Role(models.TextChoices):
    AGENT = "agent", _("Médiateur")
    MAIN_AGENT = "main_agent", _("Médiateur principal")
    EDITOR = "editor", _("Éditeur")


AGENT_ROLES = (Role.AGENT, Role.MAIN_AGENT)


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            models.UniqueConstraint(fields=["user", "authority"], name="one_membership_per_user_and_authority"),
            models.UniqueConstraint(
                fields=["authority"], condition=Q(role="main_agent"), name="one_main_agent_per_authority"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.authority} ({self.get_role_display()})"

    @property
    def is_agent(self) -> bool:
        return self.role in AGENT_ROLES


class Invitation(models.Model):
    """A one-use invitation to join the platform (authority null: platform admin)."""

    email = models.EmailField(_("adresse électronique"))
    authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(Upper("email"), name="invitation_email_upper")]

    def __str__(self) -> str:
        return self.email

    @property
    def is_admin_invitation(self) -> bool:
        return self.authority_id is None

    @property
    def role_label(self) -> str:
        return "Administrateur de la plateforme" if self.is_admin_invitation else self.get_role_display()
