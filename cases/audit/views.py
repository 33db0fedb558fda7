"""« Journal d'audit » in Wagtail's admin (/admin/journal-audit/): read only, for main agents and platform admins.

- A main agent reads the rows of the authorities they are main agent of; a platform admin reads every row
  (those of no authority too: platform admins, jobs). Anyone else gets a 404, like another authority's page.
- Filters (GET): action, user (the actor's address), date range (Paris days), case number; a filter the
  form refuses is named and left out, the others still apply.
- Pages go by the chain's position (`seq`, unique), newest first: `?avant=N` lists the rows before N,
  `?apres=N` those after it. One indexed query a page (`audit_by_authority` for a main agent, the `seq` key
  for a platform admin), whatever the page's size and the log's length: nothing is counted.

There is no URL that edits or deletes a row: the table refuses both anyway (cases/audit/models.py).
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from authorities.models import Role
from authorities.permissions import authority_ids_as, is_platform_admin
from cases.audit.models import Action, AuditEntry

PAGE_SIZE = 50
BEFORE, AFTER = "avant", "apres"
ROLE_LABELS = {**dict(Role.choices), "platform_admin": "Administrateur de la plateforme"}
DETAIL_LABELS = {
    "role": "rôle",
    "former_role": "ancien rôle",
    "unassigned_cases": "dossiers désassignés",
    "removed": "entrées supprimées",
    "months": "mois de conservation",
}


def readable_authorities(user) -> list[int] | None:
    """The authorities whose log the user reads: None for all of it (a platform admin); a 404 for no one."""
    if is_platform_admin(user):
        return None
    authority_ids = authority_ids_as(user, (Role.MAIN_AGENT,))
    if not authority_ids:
        raise Http404("Page réservée aux médiateurs principaux et aux administrateurs.")
    return authority_ids


def can_read_log(user) -> bool:
    return user.is_authenticated and (is_platform_admin(user) or bool(authority_ids_as(user, (Role.MAIN_AGENT,))))


DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # the browser's date picker speaks ISO


class FilterForm(forms.Form):
    action = forms.ChoiceField(label="Action", choices=[("", "Toutes"), *Action.choices], required=False)
    utilisateur = forms.EmailField(label="Utilisateur (adresse électronique)", required=False)
    du = forms.DateField(label="Du", required=False, widget=DAY)
    au = forms.DateField(label="Au", required=False, widget=DAY)
    dossier = forms.IntegerField(label="N° de dossier", min_value=1, required=False)

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["du"] > data["au"]:
            self.add_error("au", "La date de fin précède la date de début.")
        return data

    def valid_values(self) -> dict:
        """The filters that passed validation (all of them when the form is valid), empty ones left out."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered(entries: QuerySet[AuditEntry], values: dict) -> QuerySet[AuditEntry]:
    if "action" in values:
        entries = entries.filter(action=values["action"])
    if "utilisateur" in values:
        entries = entries.filter(actor_label=values["utilisateur"].lower())  # addresses are kept in lower case
    if "du" in values:
        entries = entries.filter(created_at__gte=start_of(values["du"]))
    if "au" in values:
        entries = entries.filter(created_at__lt=start_of(values["au"] + datetime.timedelta(days=1)))
    if "dossier" in values:
        entries = entries.filter(case_number=values["dossier"])
    return entries


def position(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@dataclass
class Page:
    rows: list[AuditEntry]
    newer: int | None  # the `seq` to list newer rows from (`?apres=`), None on the newest page
    older: int | None  # the `seq` to list older rows from (`?avant=`), None on the oldest page


def page_of(entries: QuerySet[AuditEntry], before: int | None, after: int | None, size: int = PAGE_SIZE) -> Page:
    """One page in one query: `size` + 1 rows read from the position, the extra one saying a page follows."""
    if after is not None:
        rows = list(entries.filter(seq__gt=after).order_by("seq")[: size + 1])
        more, rows = len(rows) > size, rows[:size][::-1]
        return Page(rows, rows[0].seq if more and rows else None, rows[-1].seq if rows else after + 1)
    if before is not None:
        entries = entries.filter(seq__lt=before)
    rows = list(entries.order_by("-seq")[: size + 1])
    more, rows = len(rows) > size, rows[:size]
    newer = rows[0].seq if before is not None and rows else (before - 1 if before is not None else None)
    return Page(rows, newer, rows[-1].seq if more else None)


def detail_text(detail: dict) -> str:
    """A row's detail in French: « rôle : Médiateur, ancien rôle : Médiateur principal »."""
    parts = []
    for key, value in detail.items():
        shown = ROLE_LABELS.get(value, value) if key in ("role", "former_role") else value
        parts.append(f"{DETAIL_LABELS.get(key, key)} : {shown}")
    return ", ".join(parts)


@require_safe  # reading only: a POST is refused (405)
def audit_log(request: HttpRequest) -> TemplateResponse:
    authority_ids = readable_authorities(request.user)
    entries = AuditEntry.objects.select_related("authority")
    if authority_ids is not None:
        entries = entries.filter(authority_id__in=authority_ids)
    form = FilterForm(request.GET)
    values = form.valid_values()
    page = page_of(filtered(entries, values), position(request, BEFORE), position(request, AFTER))
    filters = {name: form.data[name] for name in values}
    context = {
        "form": form,
        "filtered": bool(values),
        "rows": [(row, detail_text(row.detail)) for row in page.rows],
        "newer_url": f"?{urlencode({**filters, AFTER: page.newer})}" if page.newer is not None else "",
        "older_url": f"?{urlencode({**filters, BEFORE: page.older})}" if page.older is not None else "",
        "first_url": f"?{urlencode(filters)}",
        "show_authority": authority_ids is None or len(authority_ids) > 1,
    }
    return TemplateResponse(request, "audit/log.html", context)
