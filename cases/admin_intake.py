"""« Enregistrer une saisine »: an agent records a request received by phone, post, at the office…

At /admin/dossiers/nouveau/. The citizen and request fields are the public
form's own (cases/forms.py, so the same model rules apply), relabelled for an
agent typing on the citizen's behalf, plus the channel (« mode de saisine »),
the originator (« origine de la demande ») and, for agents of several
authorities, the authority. The case is created by the same service as the
public form (`cases.intake.create_case_from_request`), with the agent as actor;
like a web request, the citizen gets the acknowledgement email when an address
is given. The agent may take the case at once (« M'assigner ce dossier »): it is then created assigned,
in the same transaction.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from authorities.models import Authority
from cases.access import agent_authority_ids
from cases.choices import Channel, Originator
from cases.forms import CaseForm, CitizenForm, RequestForms
from cases.intake import create_case_from_request
from cases.workspace.index import index_url, optional_url

AGENT_LABELS = {
    "prior_complaint": "Premier recours à l'amiable effectué auprès du service concerné ?",
    "prior_complaint_answered": "Réponse de l'administration reçue ?",
    "description": "Motif de la demande",
    "email_copy_wanted": "Envoyer au requérant, avec l'accusé de réception, une copie de sa demande",
}


class AgentCaseForm(CaseForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label in AGENT_LABELS.items():
            self.fields[name].label = label
        self.fields["description"].help_text = "La situation du requérant et ce qu'il attend de la médiation."
        self.fields["prior_complaint_answered"].help_text = "Uniquement si un premier recours a été effectué."


class AuthorityChoiceField(forms.ModelChoiceField):
    """One of the authorities the form read once (`known`): cleaning the choice asks the database nothing."""

    known: list[Authority] = []

    def to_python(self, value) -> Authority | None:
        if value in self.empty_values:
            return None
        for authority in self.known:
            if str(authority.pk) == str(value):
                return authority
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


class IntakeForm(forms.Form):
    """What only an agent chooses: where the request came from, and for which authority."""

    authority = AuthorityChoiceField(label="Collectivité", queryset=Authority.objects.none(), empty_label=None)
    channel = forms.ChoiceField(label="Mode de saisine", choices=Channel.choices, initial=Channel.PHONE)
    originator = forms.ChoiceField(
        label="Origine de la demande", choices=Originator.choices, initial=Originator.CITIZEN
    )
    assign_to_me = forms.BooleanField(label="M'assigner ce dossier", required=False, initial=True)

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        field.queryset = Authority.objects.filter(pk__in=agent_authority_ids(user)).order_by("name")
        self.authorities = field.known = list(field.queryset)
        if len(self.authorities) == 1:
            field.initial = self.authorities[0]
            field.widget = forms.HiddenInput()


class AgentRequestForms(RequestForms):
    """The public form's pair (with its cross-form rule), plus the agent's own fields."""

    def __init__(self, user, data=None, files=None) -> None:
        self.citizen = CitizenForm(data)
        self.case = AgentCaseForm(data, files)
        self.intake = IntakeForm(user, data)

    def is_valid(self) -> bool:
        intake_valid = self.intake.is_valid()
        return super().is_valid() and intake_valid


@require_http_methods(["GET", "POST"])
def case_intake(request):
    forms_ = AgentRequestForms(request.user, request.POST or None, request.FILES or None)
    if not forms_.intake.authorities:
        raise Http404("Page introuvable.")
    if request.method == "POST" and forms_.is_valid():
        intake = forms_.intake.cleaned_data
        case = create_case_from_request(
            intake["authority"],
            forms_.citizen,
            forms_.case,
            forms_.case.cleaned_data.get("documents") or [],
            channel=intake["channel"],
            originator=intake["originator"],
            actor=request.user,
            assign_to_actor=intake["assign_to_me"],
        )
        messages.success(request, f"{case.label} enregistré.")
        return redirect(optional_url("case:detail", case.number) or index_url())
    if request.method == "POST":
        messages.error(request, "La saisine n'a pas pu être enregistrée : corrigez les erreurs ci-dessous.")
    return TemplateResponse(
        request,
        "cases/admin/intake.html",
        {
            "forms": forms_,
            "fieldsets": [
                ("Saisine", forms_.intake),
                ("Coordonnées du requérant", forms_.citizen),
                ("Demande", forms_.case),
            ],
            "index_url": index_url(),
        },
    )
