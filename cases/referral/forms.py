"""The forms of a referral: the proposal (case page) and the receiving authority's refusal."""

from django import forms

from cases.models import Case
from cases.referral.models import Consent, Reason
from cases.referral.service import MAX_TEXT, destinations


class ProposalForm(forms.Form):
    to_authority = forms.ModelChoiceField(
        label="Collectivité destinataire",
        queryset=None,
        help_text="Ses médiateurs recevront la proposition et pourront l'accepter ou la refuser.",
        error_messages={"required": "Choisissez la collectivité à qui transmettre le dossier."},
    )
    reason = forms.ChoiceField(
        label="Motif",
        choices=[("", "---------"), *Reason.choices],
        error_messages={"required": "Choisissez le motif de la transmission."},
    )
    note = forms.CharField(
        label="Note pour la collectivité destinataire",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce qu'elle doit savoir pour décider : l'objet de la demande, pourquoi elle semble compétente. "
        "Elle ne voit ni le requérant ni le contenu du dossier avant d'accepter.",
        error_messages={"required": "Écrivez une note pour la collectivité destinataire."},
    )
    consent = forms.ChoiceField(
        label="Accord du requérant recueilli",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        help_text="Le requérant doit avoir accepté que son dossier soit transmis : indiquez comment.",
        error_messages={"required": "Indiquez comment le requérant a donné son accord à la transmission."},
    )

    def __init__(self, case: Case, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_authority"].queryset = destinations(case)


class DeclineForm(forms.Form):
    answer_reason = forms.CharField(
        label="Motif du refus",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Le médiateur qui a proposé la transmission le reçoit par courriel.",
        error_messages={"required": "Indiquez le motif du refus."},
    )
