"""The statistics' choices (GET): the period, the authority, and the case index's own filters.

The filters keep the index's parameter names (`status__exact`, `channel__exact`, `domaine`, `mediateur`,
`collectivite`: cases/workspace/index.py), so an export « filtered like the index » reads the index's
query string as it is. A value the form refuses is named and left out, the others still apply.
"""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone

from authorities.models import AGENT_ROLES, User
from cases.choices import Channel, Status
from cases.insight.figures import Filters
from cases.insight.period import Period
from cases.insight.scope import Scope
from cases.models import Domain

LAST_TWELVE_MONTHS, RANGE = "", "plage"
YEARS_OFFERED = 6
DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def period_choices(today: datetime.date) -> list[tuple[str, str]]:
    years = [(str(year), f"Année {year}") for year in range(today.year, today.year - YEARS_OFFERED, -1)]
    return [(LAST_TWELVE_MONTHS, "12 derniers mois"), *years, (RANGE, "Autre période (du… au…)")]


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def requested_authority(data) -> int | None:
    """The authority asked for in the query string (checked against the user's scope by scope.py)."""
    return int_or_none(data.get("collectivite"))


class StatisticsForm(forms.Form):
    periode = forms.ChoiceField(label="Période", required=False)
    du = forms.DateField(label="Du", required=False, widget=DAY)
    au = forms.DateField(label="Au", required=False, widget=DAY)
    collectivite = forms.TypedChoiceField(label="Collectivité", required=False, coerce=int, empty_value=None)
    status__exact = forms.ChoiceField(label="Avancement", required=False, choices=[("", "Tous"), *Status.choices])
    channel__exact = forms.ChoiceField(
        label="Mode de saisine", required=False, choices=[("", "Tous"), *Channel.choices]
    )
    domaine = forms.TypedChoiceField(label="Domaine", required=False, coerce=int, empty_value=None)
    mediateur = forms.TypedChoiceField(label="Médiateur assigné", required=False, coerce=int, empty_value=None)

    def __init__(self, data, scope: Scope, user, today: datetime.date | None = None) -> None:
        super().__init__(data)
        self.today = today or timezone.localdate()
        self.fields["periode"].choices = period_choices(self.today)
        authority_ids = [authority.pk for authority in scope.choices]
        if len(scope.choices) > 1:
            everything = "Toutes (comparaison)" if scope.platform else "Toutes"
            self.fields["collectivite"].choices = [("", everything), *[(a.pk, a.name) for a in scope.choices]]
        else:
            del self.fields["collectivite"]
        domains = Domain.objects.filter(parent__isnull=True).filter(
            Q(authority__isnull=True) | Q(authority_id__in=scope.authority_ids or authority_ids)
        )
        self.fields["domaine"].choices = [("", "Tous"), *[(domain.pk, domain.name) for domain in domains]]
        agents = User.objects.filter(
            memberships__authority_id__in=scope.authority_ids or authority_ids, memberships__role__in=AGENT_ROLES
        ).distinct()
        self.fields["mediateur"].choices = [
            ("", "Tous"),
            *[(agent.pk, "Moi" if agent.pk == user.pk else agent.get_full_name() or agent.email) for agent in agents],
        ]

    def clean(self):
        data = super().clean()
        if data.get("periode") == RANGE:
            if not data.get("du") or not data.get("au"):
                self.add_error("du", "Indiquez le premier et le dernier jour de la période.")
            elif data["du"] > data["au"]:
                self.add_error("au", "La date de fin précède la date de début.")
        return data

    def valid(self) -> dict:
        """The values that passed validation, empty ones left out."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def period(self) -> Period:
        values = self.valid()
        choice = values.get("periode", LAST_TWELVE_MONTHS)
        if choice == RANGE and "du" in values and "au" in values and values["du"] <= values["au"]:
            return Period(values["du"], values["au"])
        if choice.isdigit():
            return Period.year(int(choice))
        return Period.last_twelve_months(self.today)

    def label(self, scope: Scope, period: Period) -> str:
        """What the figures or the export cover, in words: « Ville de Démo, année 2026, avancement : À traiter »."""
        if scope.authority_ids is None:
            parts = ["Toutes les collectivités"]
        else:
            parts = [", ".join(a.name for a in scope.choices if a.pk in scope.authority_ids)]
        parts.append(period.label)
        values = self.valid()
        for name in ("status__exact", "channel__exact", "domaine", "mediateur"):
            if name in values:
                field = self.fields[name]
                shown = dict(field.choices).get(values[name], values[name])
                parts.append(f"{field.label.lower()} : {shown}")
        return ", ".join(parts)

    def filters(self) -> Filters:
        values = self.valid()
        return Filters(
            status=values.get("status__exact", ""),
            channel=values.get("channel__exact", ""),
            domain_id=values.get("domaine"),
            assignee_id=values.get("mediateur"),
        )


class ReportForm(forms.Form):
    """The annual report's choices: the authority (those the user may report on), the civil year, the introduction."""

    collectivite = forms.TypedChoiceField(label="Collectivité", coerce=int)
    annee = forms.TypedChoiceField(label="Année", coerce=int)
    introduction = forms.CharField(
        label="Introduction",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Quelques lignes pour le conseil : le contexte de l'année, les faits marquants. Texte simple.",
    )

    def __init__(self, data, authorities, today: datetime.date | None = None, **kwargs) -> None:
        super().__init__(data, **kwargs)
        year = (today or timezone.localdate()).year
        self.fields["collectivite"].choices = [(authority.pk, authority.name) for authority in authorities]
        self.fields["annee"].choices = [(value, str(value)) for value in range(year, year - YEARS_OFFERED, -1)]
        self.fields["annee"].initial = year - 1
        self.authorities = {authority.pk: authority for authority in authorities}
