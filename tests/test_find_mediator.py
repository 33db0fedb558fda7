"""« Trouver mon médiateur »: from a commune or a postal code to the competent authorities, nearest first."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authorities.models import Authority, AuthorityCommune
from pages.models import AuthorityPage
from tests.factories import AuthorityFactory

URL = "/trouver-mon-mediateur/"
Type = Authority.Type


def authority(name: str, slug: str, type_: str, communes=(), **territory) -> Authority:
    created = AuthorityFactory(name=name, slug=slug, type=type_, **territory)
    AuthorityCommune.objects.bulk_create(AuthorityCommune(authority=created, insee_code=code) for code in communes)
    return created


@pytest.fixture
def territories(db):
    return {
        "brest": authority("Ville de Brest", "brest", Type.CITY, ["29019"]),
        "quimper": authority("Ville de Quimper", "quimper", Type.CITY, ["29232"]),
        "metropole": authority("Brest métropole", "brest-metropole", Type.FEDERATION_OF_CITIES, ["29019", "29075"]),
        "finistere": authority("Département du Finistère", "finistere", Type.SUBDIVISION, departement_code="29"),
        "morbihan": authority("Département du Morbihan", "morbihan", Type.SUBDIVISION, departement_code="56"),
        "bretagne": authority("Région Bretagne", "bretagne", Type.REGION, region_code="53"),
        "corse-du-sud": authority("Corse-du-Sud", "corse-du-sud", Type.SUBDIVISION, departement_code="2A"),
        "haute-corse": authority("Haute-Corse", "haute-corse", Type.SUBDIVISION, departement_code="2B"),
        "bastia": authority("Ville de Bastia", "bastia", Type.CITY, ["2B033"]),
        "corse": authority("Collectivité de Corse", "corse", Type.REGION, region_code="94"),
        "reunion": authority("Département de La Réunion", "reunion", Type.SUBDIVISION, departement_code="974"),
        "saint-denis": authority("Ville de Saint-Denis", "saint-denis", Type.CITY, ["97411"]),
    }


def find(client, lieu: str, commune: str = ""):
    params = {"lieu": lieu, "commune": commune} if commune else {"lieu": lieu}
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def names(entries) -> list[str]:
    return [entry.authority.name for entry in entries]


def test_a_commune_chosen_in_the_suggestions_lists_nearest_first(client, territories):
    response = find(client, "Brest (29200)", "29019")
    assert names(response.context["competent"]) == [
        "Ville de Brest",
        "Brest métropole",
        "Département du Finistère",
        "Région Bretagne",
    ]
    assert response.context["depending_on_commune"] == []
    html = response.content.decode()
    assert "Médiateurs pour Brest (29200)" in html
    assert 'href="/brest/faire-une-demande/"' in html
    assert 'Faire une demande<span class="fr-sr-only"> à Ville de Brest</span>' in html
    assert "aides sociales" in html and "Département : 29 — Finistère" in html


def test_another_commune_of_the_same_postal_area(client, territories):
    response = find(client, "Guipavas (29490)", "29075")
    assert names(response.context["competent"]) == ["Brest métropole", "Département du Finistère", "Région Bretagne"]


def test_a_postal_code_of_several_communes_without_javascript(client, territories):
    """No commune chosen: the département and region are competent; its cities depend on the commune."""
    response = find(client, "29860")
    assert names(response.context["competent"]) == ["Département du Finistère", "Région Bretagne"]
    assert names(response.context["depending_on_commune"]) == ["Ville de Brest", "Ville de Quimper", "Brest métropole"]
    html = response.content.decode()
    assert "Médiateurs pour le code postal 29860" in html
    assert "Selon votre commune" in html


@pytest.mark.parametrize(
    ("lieu", "commune", "expected"),
    [
        ("20000", "", ["Corse-du-Sud", "Collectivité de Corse"]),
        ("20137", "", ["Corse-du-Sud", "Collectivité de Corse"]),
        ("20200", "", ["Haute-Corse", "Collectivité de Corse"]),
        ("20600", "", ["Haute-Corse", "Collectivité de Corse"]),
        ("Bastia (20200)", "2B033", ["Ville de Bastia", "Haute-Corse", "Collectivité de Corse"]),
        ("Ajaccio (20000)", "2a004", ["Corse-du-Sud", "Collectivité de Corse"]),
    ],
)
def test_corsica_2a_and_2b(client, territories, lieu, commune, expected):
    assert names(find(client, lieu, commune).context["competent"]) == expected


def test_overseas_departements(client, territories):
    assert names(find(client, "97400").context["competent"]) == ["Département de La Réunion"]
    assert names(find(client, "97400").context["depending_on_commune"]) == ["Ville de Saint-Denis"]
    chosen = find(client, "Saint-Denis (97400)", "97411").context["competent"]
    assert names(chosen) == ["Ville de Saint-Denis", "Département de La Réunion"]
    assert find(client, "97200").context["competent"] == []  # Martinique: nobody on the platform


@pytest.mark.parametrize("code", ["98000", "97500", "00100", "20900"])
def test_an_unknown_postal_code_points_to_the_national_mediators(client, territories, code):
    response = find(client, code)
    assert response.context["unknown_postal_code"] is True
    html = response.content.decode()
    assert "ne correspond à aucun département desservi" in html
    assert 'href="https://www.defenseurdesdroits.fr/"' in html
    assert 'href="https://www.energie-mediateur.fr/"' in html


def test_a_place_without_authority_says_so(client, territories):
    response = find(client, "75011")
    html = response.content.decode()
    assert "Aucune collectivité de ce territoire ne propose encore la médiation" in html
    assert 'href="https://www.defenseurdesdroits.fr/"' in html


def test_the_home_page_form_works_without_javascript(client, territories):
    html = client.get("/").content.decode()
    form = re.search(r'<form method="get" action="([^"]+)" id="finder-form"', html)
    assert form and form.group(1) == URL
    assert 'name="lieu"' in html and 'autocomplete="postal-code"' in html
    assert (
        '<button type="submit" class="fr-btn fr-btn--icon-left fr-icon-search-line">Trouver mon médiateur</button>'
        in html
    )
    assert "Ville de Brest" in find(client, "29200").content.decode()


@pytest.mark.parametrize("lieu", ["", "Brest", "290"])
def test_a_name_without_suggestion_asks_for_the_postal_code(client, territories, lieu):
    response = find(client, lieu)
    html = response.content.decode()
    assert "Indiquez le code postal de votre commune (5 chiffres" in html
    assert "<title>Erreur — " in html
    assert f'value="{lieu}"' in html or not lieu
    assert "competent" not in response.context


def test_the_page_without_a_search_shows_the_form_only(client, territories):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Indiquez le code postal" not in response.content.decode()
    assert "competent" not in response.context


def test_a_forged_commune_code_falls_back_to_the_postal_code(client, territories):
    response = find(client, "Brest (29200)", "99999")
    assert names(response.context["competent"]) == ["Département du Finistère", "Région Bretagne"]


def test_what_the_citizen_typed_is_escaped(client, territories):
    html = find(client, "<img src=x onerror=alert(1)> (29200)", "29019").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; (29200)" in html


def test_authorities_without_a_live_page_are_not_listed(client, territories):
    AuthorityPage.objects.get(authority=territories["brest"]).unpublish()
    assert "Ville de Brest" not in names(find(client, "Brest (29200)", "29019").context["competent"])


def test_constant_queries_whatever_the_number_of_authorities(client, territories):
    find(client, "Ajaccio (20000)", "2A004")  # warm the caches (site root, DSFR settings)
    with CaptureQueriesContext(connection) as two:
        assert len(find(client, "Ajaccio (20000)", "2A004").context["competent"]) == 2
    with CaptureQueriesContext(connection) as four:
        assert len(find(client, "Brest (29200)", "29019").context["competent"]) == 4
    assert len(four) == len(two)


def test_no_authority_may_take_the_finders_address(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(
        "/admin/collectivites/new/", {"name": "Trouver", "slug": "trouver-mon-mediateur", "type": "city"}
    )
    assert "réservé à la page « Trouver mon médiateur »" in response.content.decode()
