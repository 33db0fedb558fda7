"""« Trouver mon médiateur » in a real browser: a postal code (no suggestion), a commune chosen in the
suggestions, none found; every page passes axe-core and leads to the right request form."""

from urllib.parse import parse_qs, urlsplit

import pytest

from authorities.models import Authority, AuthorityCommune
from tests.factories import AuthorityFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def finistere(db):
    brest = AuthorityFactory(name="Ville de Brest", slug="brest", type=Authority.Type.CITY)
    AuthorityCommune.objects.create(authority=brest, insee_code="29019")
    AuthorityFactory(
        name="Département du Finistère", slug="finistere", type=Authority.Type.SUBDIVISION, departement_code="29"
    )
    return brest


def municipality(city: str, postcode: str, citycode: str) -> dict:
    return {"properties": {"city": city, "postcode": postcode, "citycode": citycode, "type": "municipality"}}


ADDRESS_API = {  # what api-adresse.data.gouv.fr answers for type=municipality (outside this machine)
    "bre": [municipality("Brest", "29200", "29019"), municipality("Brech", "56400", "56023")],
}


def test_a_postal_code_leads_to_the_departements_form(page, axe, finistere):
    # No suggestion at all (an empty answer: an aborted fetch would be a console error, met or not depending on
    # whether the typing outlasts the suggestions' 250 ms delay).
    page.route("https://api-adresse.data.gouv.fr/**", lambda route: route.fulfill(json={"features": []}))
    page.goto("/")
    axe.assert_no_violations(page)
    page.fill("#id_lieu", "29860")
    page.get_by_role("button", name="Trouver mon médiateur").click()
    page.wait_for_url("**/trouver-mon-mediateur/?lieu=29860**")
    assert page.get_by_role("heading", name="Médiateurs pour le code postal 29860").is_visible()
    assert page.get_by_role("heading", name="Selon votre commune").is_visible()
    axe.assert_no_violations(page)
    page.get_by_role("link", name="Faire une demande à Département du Finistère").click()
    page.wait_for_url("**/finistere/faire-une-demande/")
    assert page.console_errors == []


def test_a_commune_chosen_in_the_suggestions(page, axe, finistere):
    asked = []

    def answer(route):
        query = parse_qs(urlsplit(route.request.url).query)
        asked.append(query)
        route.fulfill(json={"features": ADDRESS_API.get(query["q"][0].lower(), [])})

    page.route("https://api-adresse.data.gouv.fr/**", answer)
    page.goto("/trouver-mon-mediateur/")
    page.fill("#id_lieu", "Bre")
    options = page.locator("#commune-suggestions option")
    options.first.wait_for(state="attached")
    assert [options.nth(n).get_attribute("value") for n in range(options.count())] == ["Brech (56400)", "Brest (29200)"]
    assert asked[-1] == {"q": ["Bre"], "type": ["municipality"], "limit": ["10"], "autocomplete": ["1"]}
    page.fill("#id_lieu", "Brest (29200)")  # what choosing the suggestion types
    assert page.input_value("#id_commune") == "29019"
    page.get_by_role("button", name="Trouver mon médiateur").click()
    page.wait_for_url("**commune=29019**")
    links = page.get_by_role("link", name="Faire une demande à Ville de Brest")
    assert links.count() == 1
    axe.assert_no_violations(page)
    links.click()
    page.wait_for_url("**/brest/faire-une-demande/")
    assert page.console_errors == []


def test_none_found_passes_axe(page, axe, finistere):
    page.goto("/trouver-mon-mediateur/?lieu=98000")
    assert page.get_by_role("link", name="Le Défenseur des droits").is_visible()
    axe.assert_no_violations(page)
    page.goto("/trouver-mon-mediateur/?lieu=Brest")
    assert page.get_by_text("Indiquez le code postal de votre commune").first.is_visible()
    axe.assert_no_violations(page)
