"""The mediation request form: one form for the citizen, one for the case.

Both are ModelForms so the model rules (`Citizen.clean`: a way to reach the
citizen; `Case.clean`: an answer only after a prior complaint) apply here as
everywhere else. They render with the DSFR through django-dsfr's base form.
The public page uses them through `RequestForms`; agents will reuse them for
phone, post and office requests.
"""

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from cases.choices import Gender
from cases.models import Case, Citizen
from cases.regions import HOME_REGION, phone_region_choices
from cases.uploads import (
    ACCEPTED_EXTENSIONS,
    CheckedFile,
    RejectedFile,
    check_count,
    check_uploaded_files,
    max_size_label,
)

PHONE_NUMBER_MAX_LENGTH = 30
DESCRIPTION_MAX_LENGTH = 10_000
# Name of the trap field: people never see it, form-filling robots do (see pages/request_form.py).
HONEYPOT_FIELD = "site_web"
# Autofill tokens (RGAA 11.13: the purpose of personal data fields is given to the browser).
CITIZEN_AUTOCOMPLETE = {
    "gender": "sex",
    "first_name": "given-name",
    "last_name": "family-name",
    "street": "street-address",
    "postal_code": "postal-code",
    "city": "address-level2",
    "email": "email",
}


class PhoneWidget(forms.MultiWidget):
    """A country select and a number input, each keeping its own DSFR class."""

    template_name = "cases/widgets/phone.html"

    def __init__(self) -> None:
        super().__init__(
            {
                "pays": forms.Select(
                    choices=phone_region_choices(), attrs={"class": "fr-select", "autocomplete": "tel-country-code"}
                ),
                "numero": forms.TextInput(attrs={"class": "fr-input", "type": "tel", "autocomplete": "tel-national"}),
            }
        )

    def decompress(self, value: str) -> list[str]:
        """A stored E.164 number shown as its country and national form; anything else shown as it is."""
        try:
            number = phonenumbers.parse(value)
        except phonenumbers.NumberParseException:
            return [HOME_REGION, value or ""]
        return [
            phonenumbers.region_code_for_number(number),
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        ]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, widget in zip(context["widget"]["subwidgets"], self.widgets, strict=True):
            subwidget["attrs"]["class"] = widget.attrs["class"]
        return context


class PhoneNumberField(forms.MultiValueField):
    """A phone number typed the way people write it in their country, cleaned to E.164."""

    default_error_messages = {
        "invalid_phone": _(
            "Ce numéro de téléphone n'est pas valide : vérifiez le pays et le numéro "
            "(par exemple 06 12 34 56 78 pour la France)."
        ),
    }

    def __init__(self, **kwargs) -> None:
        fields = (
            forms.ChoiceField(choices=phone_region_choices()),
            forms.CharField(max_length=PHONE_NUMBER_MAX_LENGTH, required=False),
        )
        kwargs.setdefault("initial", [HOME_REGION, ""])
        super().__init__(fields, widget=PhoneWidget(), require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> str:
        if not data_list or not data_list[1]:
            return ""
        region, number = data_list
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            raise ValidationError(self.error_messages["invalid_phone"], code="invalid_phone")
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class DocumentsField(forms.Field):
    """Up to UPLOAD_MAX_FILES files, each accepted by its bytes (cases/uploads.py); cleans to a list of CheckedFile."""

    widget = MultipleFileInput

    def to_python(self, data) -> list[CheckedFile]:
        uploads = [upload for upload in data or [] if upload]
        try:
            check_count(len(uploads))
        except RejectedFile as rejected:
            raise ValidationError(rejected.reason, code="too_many_files") from None
        return check_uploaded_files(uploads)


class MultilineTextField(forms.CharField):
    """Text typed in a textarea, measured and stored as the browser counts it.

    Browsers send each line break as CRLF, yet their `maxlength` counts it as one character: without
    normalising first, a text the page let through would be refused as too long.
    """

    def to_python(self, value) -> str:
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


class YesNoField(forms.NullBooleanField):
    """A yes / no (/ don't know) question as inline radio buttons, refusing any other value.

    NullBooleanField reads every value it does not know as « don't know », so a forged or mangled
    answer would be stored as one the citizen never gave.
    """

    default_error_messages = {"invalid_choice": _("Choisissez l'une des réponses proposées.")}

    def __init__(self, *, with_unknown: bool = True, **kwargs) -> None:
        choices = [("True", _("Oui")), ("False", _("Non"))]
        if with_unknown:
            choices.append(("unknown", _("Je ne sais pas")))
        widget = forms.RadioSelect(choices=choices)
        widget.inline = True
        super().__init__(widget=widget, required=False, **kwargs)

    def to_python(self, value) -> bool | None:
        if value not in (None, "") and str(value) not in dict(self.widget.choices):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class CitizenForm(DsfrBaseForm, forms.ModelForm):
    fieldset_id = "coordonnees"
    phone = PhoneNumberField(label=_("Téléphone"), required=False)

    class Meta:
        model = Citizen
        fields = ["gender", "first_name", "last_name", "street", "postal_code", "city", "phone", "email"]
        labels = {"email": _("Adresse électronique")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = [("", _("Non spécifié")), *Gender.choices]
        for name, token in CITIZEN_AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["email"].help_text = _("Format attendu : nom@domaine.fr")
        if settings.CITY_LOOKUP_URL:  # static/js/request-form.js suggests the cities of the postal code
            self.fields["postal_code"].widget.attrs["data-city-lookup-url"] = settings.CITY_LOOKUP_URL


class CaseForm(DsfrBaseForm, forms.ModelForm):
    fieldset_id = "demande"
    prior_complaint = YesNoField(
        label=_("Avez-vous effectué une première réclamation auprès du service concerné ?"),
    )
    prior_complaint_answered = YesNoField(
        label=_("Avez-vous reçu une réponse à cette réclamation ?"),
        help_text=_("Uniquement si vous avez effectué une première réclamation."),
        with_unknown=False,
    )
    description = MultilineTextField(
        label=_("Motif de la demande"),
        help_text=_("Décrivez votre situation et ce que vous attendez de la médiation."),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    documents = DocumentsField(
        label=_("Documents"),
        required=False,
        help_text=_(
            "Jusqu'à {count} fichiers de {size} chacun : images, documents (PDF, Word, OpenDocument), "
            "tableurs, présentations."
        ).format(count=settings.UPLOAD_MAX_FILES, size=max_size_label()),
        widget=MultipleFileInput(attrs={"class": "fr-upload", "accept": ACCEPTED_EXTENSIONS}),
    )

    class Meta:
        model = Case
        fields = ["prior_complaint", "prior_complaint_answered", "description", "email_copy_wanted"]
        labels = {"email_copy_wanted": _("Envoyez-moi par courriel une copie de mes réponses.")}

    field_order = ["prior_complaint", "prior_complaint_answered", "description", "documents", "email_copy_wanted"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].widget.group_class = "fr-upload-group"

    def describe_documents_with(self, message_id: str) -> None:
        """Tie a message shown under the file field (files to choose again) to its input, after its help text."""
        documents = self["documents"]
        described_by = [documents.aria_describedby or "", message_id]
        self.fields["documents"].widget.attrs["aria-describedby"] = " ".join(filter(None, described_by))


class RequestForms:
    """The citizen and case forms of one request, validated together.

    Both forms are always validated, so every error shows at once; the rule
    that spans them (a copy by email needs an email address) is checked here.
    """

    def __init__(self, data=None, files=None) -> None:
        self.citizen = CitizenForm(data)
        self.case = CaseForm(data, files)

    def __iter__(self):
        return iter((self.citizen, self.case))

    def is_valid(self) -> bool:
        valid = all([form.is_valid() for form in self])
        if valid and self.case.cleaned_data["email_copy_wanted"] and not self.citizen.cleaned_data["email"]:
            self.case.add_error(
                "email_copy_wanted", _("Indiquez votre adresse électronique pour recevoir une copie de vos réponses.")
            )
            valid = False
        return valid

    def error_summary(self) -> list[dict]:
        """Every error with the anchor of its field (or fieldset), for the summary at the top of the page."""
        summary = []
        for form in self:
            summary += [
                {"anchor": form.fieldset_id, "label": "", "message": error} for error in form.non_field_errors()
            ]
            for field in form:
                summary += [{"anchor": field_anchor(field), "label": field.label, "message": e} for e in field.errors]
        return summary


def field_anchor(field: BoundField) -> str:
    """The id of the field's first input (radio buttons and the phone have one per part)."""
    return field.id_for_label or f"{field.auto_id}_0"


def form_answers(*forms_: forms.Form) -> list[tuple[str, str]]:
    """The (label, value) pairs of valid forms as the citizen saw them, for the copy sent by email."""
    answers = []
    for form in forms_:
        for field in form.visible_fields():
            answers.append((str(field.label), display_value(field, form.cleaned_data.get(field.name))))
    return answers


def display_value(field: BoundField, value) -> str:
    choices = getattr(field.field.widget, "choices", None)
    if choices:
        return str(dict(choices).get(str(field.data), "")) if field.data is not None else ""
    if isinstance(value, bool):
        return str(_("Oui") if value else _("Non"))
    if isinstance(value, list):
        return ", ".join(checked.name for checked in value)
    return "" if value is None else str(value)
