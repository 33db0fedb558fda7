"""Forms of the citizen's space (DSFR rendering through django-dsfr's form mixin)."""

from django import forms
from dsfr.forms import DsfrBaseForm

from cases.forms import CaseForm, MultipleFileInput
from cases.uploads import ACCEPTED_EXTENSIONS


class RecoveryForm(DsfrBaseForm):
    number = forms.IntegerField(
        label="Numéro de dossier", min_value=1, max_value=10**17, help_text="Par exemple : 1234"
    )
    email = forms.EmailField(
        label="Adresse électronique", help_text="Celle indiquée dans votre demande. Format attendu : nom@domaine.fr"
    )


class LetterCodeForm(DsfrBaseForm):
    number = forms.IntegerField(label="Numéro de dossier", min_value=1, max_value=10**17)
    code = forms.CharField(
        label="Code reçu par courrier", max_length=40, help_text="16 caractères, par exemple : ABCD-EFGH-JKMN-PQRS"
    )


class AnswerForm(DsfrBaseForm):
    text = forms.CharField(label="Votre message", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    # Checked by the answer service (cases/citizen/answer.py), which keeps the accepted ones on an error.
    files = forms.Field(
        label="Documents",
        required=False,
        widget=MultipleFileInput(attrs={"class": "fr-upload", "accept": ACCEPTED_EXTENSIONS}),
        help_text=CaseForm.base_fields["documents"].help_text,
    )


class WithdrawForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Pourquoi retirez-vous votre demande ?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Par exemple : l'administration m'a répondu, le problème est réglé.",
    )
