"""Saved views of the case index (issue 11, item 2): the tabs above the list, each with its count.

Four views come with the index: « Dossiers ouverts » (the default list), « Mes
dossiers », « Non assignés » and « Tous les dossiers ». An agent saves the current
filters and sort under a name, for themselves; a main agent may save one for every
agent of their authority (`mediateur=moi` then reads as each agent's own cases).
An agent deletes their own views; a shared view is deleted by a main agent of its
authority. Nobody sees or deletes a view of someone else, or of another authority:
404, as for a case.

Every tab shows how many cases its list holds, counted up to 1 000 (« plus de
1 000 »): all the tabs in one query of bounded sub-counts, so a page costs the
same whatever the number of tabs or of cases. A user keeps at most
`MAX_VIEWS` views of their own, and an authority as many shared ones.
"""

import dataclasses

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

from authorities.models import Role
from authorities.permissions import authority_ids_as
from cases.access import agent_authorities
from cases.workspace.models import SavedView
from cases.workspace.state import ListState, filtered_cases, index_url, list_url

TAB_COUNT_LIMIT = 1000
MAX_VIEWS = 20
OPEN_CASES, MY_CASES, UNASSIGNED, ALL_CASES = "", "mediateur=moi", "mediateur=aucun", "etat=tous"
BUILT_IN = (
    ("Dossiers ouverts", OPEN_CASES),
    ("Mes dossiers", MY_CASES),
    ("Non assignés", UNASSIGNED),
    ("Tous les dossiers", ALL_CASES),
)
FOR_ME = "moi"


@dataclasses.dataclass
class Tab:
    label: str
    query: str
    current: bool
    count: int = 0
    saved: SavedView | None = None
    deletable: bool = False

    @property
    def url(self) -> str:
        return list_url(self.query)

    @property
    def count_label(self) -> str:
        if self.count > TAB_COUNT_LIMIT:
            return f"plus de {TAB_COUNT_LIMIT:,}".replace(",", "\N{NO-BREAK SPACE}")
        return str(self.count)


def visible_views(user) -> QuerySet[SavedView]:
    """The user's own views and those shared with one of their authorities, by name."""
    authority_ids = [authority.pk for authority in agent_authorities(user)]
    return SavedView.objects.filter(Q(owner=user) | Q(owner__isnull=True, authority_id__in=authority_ids))


def main_agent_of(user) -> list:
    return [a for a in agent_authorities(user) if a.pk in set(authority_ids_as(user, (Role.MAIN_AGENT,)))]


def may_delete(user, view: SavedView) -> bool:
    if view.shared:
        return view.authority_id in {authority.pk for authority in main_agent_of(user)}
    return view.owner_id == user.pk


def bounded_counts(querysets: list[QuerySet], limit: int) -> list[int]:
    """How many rows each queryset holds, none counted past `limit + 1`, in one query."""
    if not querysets:
        return []
    parts, params = [], []
    for n, queryset in enumerate(querysets):
        sql, part_params = queryset.order_by().values("pk")[: limit + 1].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS tab{n})")  # noqa: S608 (the ORM's own SQL)
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return list(cursor.fetchone())


def tabs(user, state: ListState) -> list[Tab]:
    """The built-in views, then the user's own and shared ones, with their counts; `current` on the one
    whose filters and sort are the list's."""
    current = state.query_string()
    views = list(visible_views(user))
    tabs = [Tab(label, query, False) for label, query in BUILT_IN]
    tabs += [Tab(view.name, view.query, False, saved=view, deletable=may_delete(user, view)) for view in views]
    current_tab = next((tab for tab in tabs if tab.query == current), None)
    if current_tab:
        current_tab.current = True
    counts = bounded_counts([filtered_cases(user, ListState.from_query(tab.query)) for tab in tabs], TAB_COUNT_LIMIT)
    for tab, count in zip(tabs, counts, strict=True):
        tab.count = count
    return tabs


class SaveViewForm(forms.Form):
    name = forms.CharField(label="Nom de la vue", max_length=60)
    query = forms.CharField(required=False, widget=forms.HiddenInput)
    shared_with = forms.ChoiceField(label="Pour", required=False)

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        shared = [(str(authority.pk), f"Toute l'équipe : {authority.name}") for authority in main_agent_of(user)]
        if shared:
            self.fields["shared_with"].choices = [(FOR_ME, "Moi seulement"), *shared]
        else:
            del self.fields["shared_with"]


def save_form_context(user, state: ListState) -> dict:
    return {"form": SaveViewForm(user, initial={"query": state.query_string()})}


def save_view(user, name: str, query: str, shared_with: int | None = None) -> SavedView:
    """Save the list `query` names (made canonical) as the user's own view, or the authority's."""
    query = ListState.from_query(query).query_string()
    if shared_with is not None:
        if shared_with not in {authority.pk for authority in main_agent_of(user)}:
            raise PermissionDenied("Seul le médiateur principal enregistre une vue pour toute l'équipe.")
        existing = SavedView.objects.filter(owner__isnull=True, authority_id=shared_with)
        view = SavedView(name=name, query=query, authority_id=shared_with, created_by=user)
    else:
        existing = SavedView.objects.filter(owner=user)
        view = SavedView(name=name, query=query, owner=user, created_by=user)
    if existing.count() >= MAX_VIEWS:
        raise ValidationError(f"{MAX_VIEWS} vues au plus : supprimez-en une d'abord.")
    view.save()
    return view


def delete_view(user, pk: int) -> SavedView:
    view = visible_views(user).filter(pk=pk).first()
    if view is None:
        raise Http404("Vue introuvable.")
    if not may_delete(user, view):
        raise PermissionDenied("Seul le médiateur principal supprime une vue de toute l'équipe.")
    view.delete()
    return view


def refuse_if_not_agent(request: HttpRequest) -> None:
    if not agent_authorities(request.user):
        raise Http404("Dossiers introuvables.")


def save(request: HttpRequest) -> HttpResponse:
    """POST from the index's « Enregistrer la vue »: back to the same list, now a tab of its own."""
    refuse_if_not_agent(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = SaveViewForm(request.user, request.POST)
    query = request.POST.get("query", "")
    if not form.is_valid():
        messages.error(request, "Donnez un nom à la vue pour l'enregistrer.")
        return redirect(ListState.from_query(query).url())
    choice = form.cleaned_data.get("shared_with") or FOR_ME
    try:
        view = save_view(
            request.user, form.cleaned_data["name"].strip(), query, None if choice == FOR_ME else int(choice)
        )
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(ListState.from_query(query).url())
    audience = "pour toute l'équipe" if view.shared else "pour vous"
    messages.success(request, f"Vue « {view.name} » enregistrée {audience}.")
    return redirect(list_url(view.query))


def delete(request: HttpRequest, pk: int) -> HttpResponse:
    refuse_if_not_agent(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        view = delete_view(request.user, pk)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(index_url())
    messages.success(request, f"Vue « {view.name} » supprimée.")
    return redirect(index_url())
