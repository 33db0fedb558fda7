"""A citizen asks for mediation in a real browser; every public page type passes axe-core.

Then the case is in the admin index for the authority's agent, and not for an
agent of another authority.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail

from cases.models import Case
from tests.e2e.browser import sign_in_to_dashboard
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_citizen_submits_a_request_and_the_agent_sees_it(page, axe, authority, agent, other_agent):
    page.goto("/")
    axe.assert_no_violations(page)

    page.get_by_role("link", name=re.compile(authority.name)).first.click()
    page.wait_for_url("**/demo/")
    axe.assert_no_violations(page)

    page.get_by_role("link", name=re.compile("Faire une demande", re.IGNORECASE)).first.click()
    page.wait_for_url("**/demo/faire-une-demande/")
    axe.assert_no_violations(page)

    page.fill("#id_first_name", "Camille")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_selector("#form-errors")
    assert page.input_value("#id_first_name") == "Camille"
    axe.assert_no_violations(page)
    assert not Case.objects.exists()

    page.fill("#id_last_name", "Martin")
    page.fill("#id_email", "camille.martin@exemple.fr")
    page.fill("#id_description", "Ma demande de place en crèche est sans réponse depuis six mois.")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url("**/merci/")
    case = Case.objects.get()
    assert f"Dossier n°{case.number}" in page.content()
    axe.assert_no_violations(page)
    assert page.console_errors == []

    assert case.authority == authority
    assert case.citizen.full_name == "Camille Martin"
    [acknowledgement] = mail.outbox
    assert acknowledgement.to == ["camille.martin@exemple.fr"]
    assert f"n°{case.number}" in acknowledgement.body

    sign_in_to_dashboard(page, agent)
    page.goto("/admin/dossiers/")
    assert page.get_by_text("Camille Martin").count() == 1

    page.context.clear_cookies()
    sign_in_to_dashboard(page, other_agent)
    page.goto("/admin/dossiers/")
    assert page.get_by_text("Camille Martin").count() == 0


# Notes, after the page's own handler, whether each submission would leave for the server, then holds it
# here (a slow upload, seen from the page).
WATCH_SUBMISSIONS = """() => {
    window.submissions = [];
    window.addEventListener("submit", (event) => {
        window.submissions.push(event.defaultPrevented ? "held back" : "sent");
        event.preventDefault();
    });
}"""


def test_the_request_is_sent_once_and_the_button_says_it_is_on_its_way(page, authority):
    page.goto("/demo/faire-une-demande/")
    page.evaluate(WATCH_SUBMISSIONS)
    button = page.locator("#request-form button[type=submit]")
    button.click()
    assert button.inner_text() == "Envoi en cours…" and button.is_disabled()
    page.evaluate("document.getElementById('request-form').requestSubmit()")  # another try, however it comes
    assert page.evaluate("window.submissions") == ["sent", "held back"]


@pytest.mark.parametrize(
    "path",
    [
        "/accessibilite/",
        "/mentions-legales/",
        "/conditions-generales-d-utilisation/",
        "/politique-de-confidentialite/",
        "/demo/aide/",
        "/demo/donnees-personnelles/",
    ],
)
def test_content_pages_pass_axe(page, axe, authority, path):
    response = page.goto(path)
    assert response.status == 200
    axe.assert_no_violations(page)


def municipality(city: str, postcode: str) -> dict:
    return {"properties": {"city": city, "postcode": postcode, "type": "municipality"}}


ADDRESS_API = {  # what api-adresse.data.gouv.fr answers for type=municipality (outside this machine)
    "01000": [municipality("Saint-Denis-lès-Bourg", "01000"), municipality("Bourg-en-Bresse", "01000")],
    "69001": [municipality("Lyon", "69001"), municipality("Lyon", "69002")],
}


def test_the_cities_of_a_postal_code_are_suggested(page, authority):
    asked = []

    def answer(route):
        query = parse_qs(urlsplit(route.request.url).query)
        asked.append(query)
        route.fulfill(json={"features": ADDRESS_API.get(query["q"][0], [])})

    page.route("https://api-adresse.data.gouv.fr/**", answer)
    page.goto("/demo/faire-une-demande/")
    page.fill("#id_postal_code", "01000")
    options = page.locator("#city-suggestions option")
    options.first.wait_for(state="attached")
    assert [options.nth(n).get_attribute("value") for n in range(options.count())] == [
        "Bourg-en-Bresse",
        "Saint-Denis-lès-Bourg",
    ]
    assert page.input_value("#id_city") == "", "two cities: the citizen chooses"
    assert page.get_attribute("#id_city", "list") == "city-suggestions"

    page.fill("#id_postal_code", "69001")
    page.wait_for_function("() => document.getElementById('id_city').value === 'Lyon'")
    assert page.locator("#city-suggestions option").count() == 1
    assert asked[-1] == {"q": ["69001"], "type": ["municipality"], "limit": ["40"]}
    assert len(asked) == 2, "asked once per complete postal code"
    assert page.console_errors == []


def test_agents_recording_a_request_get_the_same_suggestions(page, authority, agent):
    page.route(
        "https://api-adresse.data.gouv.fr/**", lambda route: route.fulfill(json={"features": ADDRESS_API["69001"]})
    )
    sign_in_to_dashboard(page, agent)
    page.goto("/admin/dossiers/nouveau/")
    page.fill("#id_postal_code", "69001")
    page.wait_for_function("() => document.getElementById('id_city').value === 'Lyon'")
    assert page.console_errors == []


def test_without_an_answer_the_city_stays_free_text(page, authority):
    page.route("https://api-adresse.data.gouv.fr/**", lambda route: route.abort())
    page.goto("/demo/faire-une-demande/")
    page.fill("#id_postal_code", "75001")
    page.fill("#id_city", "Paris")
    assert page.locator("#city-suggestions option").count() == 0
    assert page.input_value("#id_city") == "Paris"


def test_the_not_found_page_passes_axe(page, axe, authority):
    response = page.goto("/demo/nexiste-pas/")
    assert response.status == 404
    axe.assert_no_violations(page)


def test_other_authority_cases_stay_hidden_by_number(page, authority, other_authority, agent):
    hidden = CaseFactory(authority=other_authority)
    sign_in_to_dashboard(page, agent)
    response = page.goto(f"/admin/dossiers/{hidden.number}/")
    assert response.status == 404
