"""The results page of « Trouver mon médiateur », served by the home page (pages/models.py)."""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q
from django.http import HttpRequest
from django.template.response import TemplateResponse
from wagtail.models import Page

from authorities.models import Authority
from authorities.territory.lookup import Competent, competent_authorities
from pages.finder import FINDER_SLUG
from pages.finder.forms import FinderForm

TITLE = "Trouver mon médiateur"
FINDER_PATH = f"{FINDER_SLUG}/"
HANDLES = {
    Authority.Type.CITY: "Les différends avec les services de la ville : état civil, urbanisme, voirie, écoles, "
    "cantine, crèches, services municipaux.",
    Authority.Type.FEDERATION_OF_CITIES: "Les différends avec les services de l'intercommunalité : collecte des "
    "déchets, eau et assainissement, transports, équipements communautaires.",
    Authority.Type.SUBDIVISION: "Les différends avec les services du département : aides sociales (RSA, APA, "
    "PCH), protection de l'enfance, collèges, routes départementales.",
    Authority.Type.REGION: "Les différends avec les services de la région : lycées, transports régionaux, "
    "formation professionnelle, aides régionales.",
}


@dataclass(frozen=True)
class Entry:
    """A competent authority as the results list shows it: its public page and its request form."""

    authority: Authority
    page: Page
    form_page: Page | None
    depends_on_commune: bool

    @property
    def handles(self) -> str:
        return HANDLES.get(self.authority.type, "")

    @property
    def territory(self) -> str:
        authority = self.authority
        if authority.departement_code:
            return f"Département : {authority.get_departement_code_display()}"
        if authority.region_code:
            return f"Région : {authority.get_region_code_display()}"
        return authority.get_type_display()


def entries(found: list[Competent]) -> list[Entry]:
    """Those of `found` with a live public page, in the same order; three queries whatever their number."""
    from pages.models import AuthorityPage, RequestFormPage  # pages.models serves this view

    pages = {
        page.authority_id: page
        for page in AuthorityPage.objects.live().public().filter(authority__in=[f.authority.pk for f in found])
    }
    if not pages:
        return []
    under_pages = reduce(or_, (Q(path__startswith=page.path, depth=page.depth + 1) for page in pages.values()))
    form_pages = {
        form.path[: -Page.steplen]: form for form in RequestFormPage.objects.live().public().filter(under_pages)
    }
    return [
        Entry(f.authority, page, form_pages.get(page.path), f.depends_on_commune)
        for f in found
        if (page := pages.get(f.authority.pk))
    ]


def find_mediator(home: Page, request: HttpRequest) -> TemplateResponse:
    form = FinderForm(request.GET if "lieu" in request.GET else None)
    context = {
        "form": form,
        "breadcrumb_data": {"links": [], "current": TITLE},  # django-dsfr's breadcrumb starts at the home
        "title": TITLE,
    }
    if form.is_valid():
        found = entries(competent_authorities(form.place)) if form.place else []
        context |= {
            "searched": True,
            "place_label": form.place_label,
            "unknown_postal_code": form.place is None,
            "competent": [entry for entry in found if not entry.depends_on_commune],
            "depending_on_commune": [entry for entry in found if entry.depends_on_commune],
        }
    return home.render(request, template="pages/finder/results.html", context_overrides=context)
