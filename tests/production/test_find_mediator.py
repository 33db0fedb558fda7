"""« Trouver mon médiateur » as deployed: from the home page, a commune chosen in the suggestions (the address
API answered by the test), then a postal code alone, each leading to the competent authority's form."""

from authorities.models import Authority, AuthorityCommune
from tests.factories import AuthorityFactory
from tests.production.watch import assert_public_page_styled

BREST = {"properties": {"city": "Brest", "postcode": "29200", "citycode": "29019", "type": "municipality"}}


def test_a_citizen_finds_their_mediator(page, production_environment):
    brest = AuthorityFactory(name="Ville de Brest", slug="brest", type=Authority.Type.CITY)
    AuthorityCommune.objects.create(authority=brest, insee_code="29019")
    AuthorityFactory(name="Région Bretagne", slug="bretagne", type=Authority.Type.REGION, region_code="53")
    page.route(
        "https://api-adresse.data.gouv.fr/**",
        lambda route: route.fulfill(json={"features": [BREST] if "Brest" in route.request.url else []}),
    )

    page.goto("/")
    assert_public_page_styled(page)
    page.fill("#id_lieu", "Brest")
    page.locator("#commune-suggestions option").first.wait_for(state="attached")
    page.fill("#id_lieu", "Brest (29200)")
    page.get_by_role("button", name="Trouver mon médiateur").click()
    page.wait_for_url("**/trouver-mon-mediateur/?**commune=29019**")
    assert_public_page_styled(page)
    assert page.get_by_role("heading", name="Médiateurs pour Brest (29200)").is_visible()
    page.get_by_role("link", name="Faire une demande à Ville de Brest").click()
    page.wait_for_url("**/brest/faire-une-demande/")
    assert_public_page_styled(page)

    page.goto("/trouver-mon-mediateur/")
    page.fill("#id_lieu", "29200")
    page.get_by_role("button", name="Trouver mon médiateur").click()
    page.wait_for_url("**/trouver-mon-mediateur/?lieu=29200**")
    assert_public_page_styled(page)
    page.get_by_role("link", name="Faire une demande à Région Bretagne").click()
    page.wait_for_url("**/bretagne/faire-une-demande/")
