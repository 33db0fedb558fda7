"""Forms of the case page. They only parse input: the rules live in cases/workflow.py, whose
errors (`ValidationError` keyed by field) go back on the form (`cases.views.common.submit`)."""

from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.utils import timezone

from cases.choices import NoteKind, Outcome, Status
from cases.forms import ACCEPTED_EXTENSIONS, DocumentsField, MultipleFileInput, PhoneNumberField
from cases.models import Case, Citizen, CompetentThirdParty, Domain
from cases.views.rich_text import RichTextField
from cases.workflow import CONTACT_FIELDS


def date_input() -> forms.DateInput:
    """The browser's date picker, which reads and writes ISO dates whatever the language."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


@dataclass(frozen=True)
class Section:
    """An editable section of the case page."""

    slug: str
    title: str
    icon: str
    case_fields: tuple[str, ...] = ()
    citizen_fields: tuple[str, ...] = ()


SECTIONS = {
    section.slug: section
    for section in (
        Section("origine", "Dates et origine", "calendar", ("channel", "originator"), ("representation",)),
        Section("coordonnees", "Coordonnées", "user", citizen_fields=CONTACT_FIELDS),
        Section("demande", "Demande", "doc-full", ("description", "prior_complaint", "prior_complaint_answered")),
        Section("competence", "Compétence", "tag", ("competent", "domain", "competent_third_party")),
        Section(
            "cloture",
            "Clôture du dossier",
            "lock",
            ("outcome", "face_to_face", "agreement", "court_next", "conclusion"),
        ),
    )
}


class AdminPhoneNumberField(PhoneNumberField):
    """The public form's phone field (country + number, cleaned to E.164) with Django's plain layout."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.widget.template_name = "django/forms/widgets/multiwidget.html"


class SectionForm(forms.Form):
    """The fields of one section, taken from the models (labels, choices, lengths)."""

    def __init__(self, section: Section, case: Case, *args, **kwargs) -> None:
        initial = {name: getattr(case, name) for name in section.case_fields}
        initial |= {name: getattr(case.citizen, name) for name in section.citizen_fields}
        initial = {name: (value.pk if hasattr(value, "pk") else value) for name, value in initial.items()}
        super().__init__(*args, initial=initial, **kwargs)
        self.section = section
        self.fields |= forms.fields_for_model(Case, fields=section.case_fields)
        self.fields |= forms.fields_for_model(Citizen, fields=section.citizen_fields)
        self.fields = {name: self.fields[name] for name in (*section.case_fields, *section.citizen_fields)}
        if "phone" in self.fields:
            self.fields["phone"] = AdminPhoneNumberField(label="Téléphone", required=False)
        own_items = Q(authority__isnull=True) | Q(authority_id=case.authority_id)
        for name, model in (("domain", Domain), ("competent_third_party", CompetentThirdParty)):
            if name in self.fields:
                self.fields[name].queryset = model.objects.filter(own_items).select_related("parent")
                self.fields[name].help_text = (
                    "Seulement si la collectivité est compétente."
                    if name == "domain"
                    else "Seulement si la collectivité n'est pas compétente."
                )
        if "prior_complaint_answered" in self.fields:
            self.fields["prior_complaint_answered"].help_text = "Seulement si un premier recours a été effectué."
        if "outcome" in self.fields:
            self.fields["outcome"].help_text = "Obligatoire pour clôturer le dossier."

    def values(self) -> tuple[dict, dict]:
        """(case values, citizen values) for `workflow.update_fields`."""
        data = self.cleaned_data
        return (
            {name: data[name] for name in self.section.case_fields},
            {name: data[name] for name in self.section.citizen_fields},
        )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="Type de clôture", choices=[("", "---------"), *Outcome.choices])
    face_to_face = forms.BooleanField(label="A conduit à une médiation en présentiel", required=False)
    agreement = forms.NullBooleanField(label="Accord des parties ?")
    court_next = forms.NullBooleanField(label="Poursuite au tribunal administratif ?")
    conclusion = forms.CharField(label="Résultat final (note interne)", required=False, widget=forms.Textarea)

    def __init__(self, case: Case, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {name: getattr(case, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages["required"] = (
            "Le type de clôture est obligatoire pour clôturer le dossier."
        )


class FactsForm(forms.Form):
    """The side column of the case page: status, assignee and due date, saved together
    (`workflow.update_facts`). The status of a closed case belongs to reopening, so it is left out; the
    assignee is a choice for the main agent only (`agents`: who may receive the case), the others take an
    unassigned case with « M'attribuer »."""

    status = forms.ChoiceField(
        label="Avancement", choices=[(value, label) for value, label in Status.choices if value != "closed"]
    )
    assignee = forms.ModelChoiceField(label="Médiateur assigné", queryset=None, required=False, empty_label="Personne")
    due_date = forms.DateField(label="Échéance", required=False, widget=date_input())

    def __init__(self, case: Case, agents=None, *args, **kwargs) -> None:
        initial = {"status": case.status, "assignee": case.assignee_id, "due_date": case.due_date}
        super().__init__(*args, initial=initial, **kwargs)
        if case.is_closed:
            del self.fields["status"]
        if agents is None:
            del self.fields["assignee"]
        else:
            self.fields["assignee"].queryset = agents
            self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.email
        self.fields["due_date"].widget.attrs["min"] = timezone.localdate().isoformat()

    def changes(self) -> dict:
        """`workflow.update_facts`'s arguments."""
        data = self.cleaned_data
        changes = {"values": {"due_date": data["due_date"]}, "status": data.get("status")}
        if "assignee" in self.fields:
            changes["assignee"] = data["assignee"]
        return changes


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label="Médiateur", queryset=None, widget=forms.RadioSelect, empty_label=None)

    def __init__(self, agents, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.email


class NoteForm(forms.Form):
    date = forms.DateField(label="Date de la note", widget=date_input())
    kind = forms.ChoiceField(label="Type", choices=NoteKind.choices, initial=NoteKind.NOTE)
    content = RichTextField(label="Contenu", help_text="Mise en forme simple : gras, italique, listes, liens.")


class UploadForm(forms.Form):
    """Files accepted by their bytes (the public form's field); the room left is checked by the service."""

    files = DocumentsField(
        label="Ajouter des documents",
        help_text="Jusqu'à 10 fichiers de 5 Mo à la fois : images, PDF, documents, tableurs, présentations, texte.",
        widget=MultipleFileInput(attrs={"accept": ACCEPTED_EXTENSIONS}),
        error_messages={"required": "Choisissez au moins un fichier."},
    )
