"""Forms of the people-and-access screens: authorities, invitations, sign-up, password, two-factor."""

import io

import filetype
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify
from PIL import Image as PILImage
from wagtail.admin.forms.auth import PasswordChangeForm as WagtailPasswordChangeForm
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm
from wagtail.images import get_image_model

from authorities.models import Authority, Role
from authorities.permissions import is_platform_admin
from authorities.territory.form import TerritoryFields
from cases.citizen import CITIZEN_SPACE_SLUG
from pages.finder import FINDER_SLUG

LOGO_MAX_BYTES = 750 * 1024
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif"}
PASSWORD_HINTS_ATTRS = {"data-password-hints": "", "autocomplete": "new-password"}


def check_logo(upload) -> tuple[bytes, str]:
    """The logo's bytes and extension, once its content (never its name) says it is a PNG, JPEG, WebP or GIF image."""
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError("Le logo dépasse 750 Kio : réduisez sa taille ou ses dimensions.")
    data = upload.read()
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError("Le logo dépasse 750 Kio : réduisez sa taille ou ses dimensions.")
    kind = filetype.guess(data)
    if kind is None or kind.mime not in LOGO_TYPES:
        raise ValidationError("Le logo doit être une image PNG, JPEG, WebP ou GIF.")
    try:
        with PILImage.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:
        raise ValidationError("Ce fichier n'est pas une image lisible.") from None
    return data, LOGO_TYPES[kind.mime]


class AuthorityForm(TerritoryFields, forms.ModelForm):
    """Create (platform admins) or edit (platform admins, main agent) an authority.

    The slug is chosen once, at creation; afterwards it is shown, never editable. The territory
    (authorities/territory/) is set by platform admins; the main agent sees it read-only.
    """

    logo_file = forms.FileField(
        label="Logo",
        required=False,
        help_text="PNG, JPEG, WebP ou GIF, 750 Kio au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
    )
    remove_logo = forms.BooleanField(label="Retirer le logo actuel", required=False)

    field_order = [
        "name",
        "slug",
        "type",
        "communes",
        "communes_file",
        "departement_code",
        "region_code",
        "logo_file",
        "remove_logo",
    ]

    class Meta:
        model = Authority
        fields = ["name", "slug", "type", "departement_code", "region_code"]
        help_texts = {
            "slug": "Attention : cet identifiant apparaît dans l'adresse des pages publiques de la collectivité "
            "et ne pourra plus jamais être modifié. Lettres minuscules sans accent, chiffres et tirets.",
        }

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        if self.instance.pk:
            del self.fields["slug"]
        if not (self.instance.pk and self.instance.logo_id):
            del self.fields["remove_logo"]
        self.setup_territory(editable=for_user is not None and is_platform_admin(for_user))

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip() or slugify(self.cleaned_data.get("name", ""))[:30]
        if slug == FINDER_SLUG:
            raise ValidationError("Cet identifiant est réservé à la page « Trouver mon médiateur ».")
        if slug == CITIZEN_SPACE_SLUG:
            raise ValidationError("Cet identifiant est réservé au suivi en ligne des dossiers (/suivi/).")
        return slug

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        data, extension = check_logo(upload)
        return data, extension

    @transaction.atomic
    def save(self, commit=True):
        authority = super().save(commit=True)  # the collection is created with the authority (signals)
        authority.refresh_from_db(fields=["collection"])
        self.save_territory(authority)
        logo = self.cleaned_data.get("logo_file")
        if logo:
            data, extension = logo
            image = get_image_model()(
                title=f"Logo — {authority.name}",
                collection=authority.collection,
                uploaded_by_user=self.for_user,
                file=ImageFile(io.BytesIO(data), name=f"logo-{authority.slug}.{extension}"),
            )
            image.save()
            authority.logo = image
            authority.save(update_fields=["logo"])
        elif self.cleaned_data.get("remove_logo"):
            authority.logo = None
            authority.save(update_fields=["logo"])
        return authority


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse électronique", max_length=254)
    role = forms.ChoiceField(label="Rôle", choices=(), widget=forms.RadioSelect)

    def __init__(self, *args, roles=(Role.AGENT, Role.EDITOR), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]
        self.fields["role"].initial = roles[0].value

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class AdminInvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse électronique", max_length=254)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class DescribedErrorsMixin:
    """Ties each field's error message to its input (aria-describedby, RGAA 11.10) on Wagtail's admin fields.

    Wagtail's `formattedfield` links an input to its help text only; the message shows in the
    container whose id `authorities/_field.html` sets to `<id>_error`, Django's own convention.
    Every error, from cleaning or added by a view (a wrong code), goes through `add_error`.
    """

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                described_by = [f"{bound.id_for_label}-helptext"] if bound.help_text else []
                self.fields[name].widget.attrs["aria-describedby"] = " ".join([*described_by, f"{bound.auto_id}_error"])


class NewPasswordMixin:
    """Validates `password` with the platform's rules (AUTH_PASSWORD_VALIDATORS), including personal details."""

    def password_user(self):
        raise NotImplementedError

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, self.password_user())
        return password


class SignupForm(DescribedErrorsMixin, NewPasswordMixin, forms.Form):
    email = forms.EmailField(label="Adresse électronique", disabled=True, required=False)
    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs=PASSWORD_HINTS_ATTRS),
        help_text=password_validation.password_validators_help_text_html,
    )
    terms = forms.BooleanField(
        label="J'ai lu et j'accepte les conditions générales d'utilisation de la plateforme",
        error_messages={"required": "Vous devez accepter les conditions générales d'utilisation."},
    )

    field_order = ["email", "first_name", "last_name", "password", "terms"]

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["email"].initial = invitation.email

    def password_user(self):
        from authorities.models import User

        # Personal details the password must not resemble, before the account exists.
        return User(
            email=self.invitation.email,
            first_name=self.cleaned_data.get("first_name", ""),
            last_name=self.cleaned_data.get("last_name", ""),
        )


class PasswordChangeForm(WagtailPasswordChangeForm):
    """Wagtail's account password form, which also tells the member by email."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].widget.attrs.update(PASSWORD_HINTS_ATTRS)

    def save(self, commit=True):
        from authorities.passwords import notify_password_changed

        user = super().save(commit=commit)
        notify_password_changed(user)
        return user


class PasswordResetForm(WagtailPasswordResetForm):
    """Same answer, same work, for known and unknown addresses: the lookup and the email happen in a task."""

    def save(self, *args, **kwargs):
        from authorities.passwords import request_password_reset

        request_password_reset(self.cleaned_data["email"])


class TokenForm(DescribedErrorsMixin, forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())
