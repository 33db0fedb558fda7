"""The public mediation request form: what a good request records, and how every bad one is refused."""

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from PIL import Image

from cases.choices import Channel, Gender, Originator, Transmitter
from cases.forms import PhoneWidget
from cases.models import Attachment, Case, CaseEvent, Citizen, Message
from cases.ratelimit import client_ip

FORM_URL = "/demo/faire-une-demande/"
THANK_YOU_URL = FORM_URL + "merci/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """The attempt counters live in the cache, which outlives a test."""
    cache.clear()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (0, 0, 145)).save(buffer, format="PNG")
    return buffer.getvalue()


def valid_data(**changes) -> dict:
    data = {
        "gender": Gender.FEMALE,
        "first_name": "Camille",
        "last_name": "Durand",
        "street": "3 rue de la Paix",
        "postal_code": "75002",
        "city": "Paris",
        "phone_pays": "FR",
        "phone_numero": "06 12 34 56 78",
        "email": "camille.durand@exemple.fr",
        "prior_complaint": "True",
        "prior_complaint_answered": "False",
        "description": "Ma demande de place en crèche est sans réponse depuis six mois.",
        "email_copy_wanted": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def assert_nothing_stored() -> None:
    assert (Case.objects.count(), Citizen.objects.count(), Attachment.objects.count()) == (0, 0, 0)
    assert Message.objects.count() == 0


def test_form_page_shows_the_fields_in_the_original_order(client, authority):
    html = client.get(FORM_URL).content.decode()

    labels = [
        "Identité de genre",
        "Prénom",
        "Nom",
        "Adresse",
        "Code postal",
        "Ville",
        "Téléphone",
        "Adresse électronique",
        "Avez-vous effectué une première réclamation auprès du service concerné ?",
        "Avez-vous reçu une réponse à cette réclamation ?",
        "Motif de la demande",
        "Documents",
        "Envoyez-moi par courriel une copie de mes réponses.",
        "L'envoi de ce formulaire vaut acceptation des",
        "Envoyer",
    ]
    positions = [html.index(label, html.index("<form")) for label in labels]
    assert positions == sorted(positions)
    assert '<option value="FR" selected>France (+33)</option>' in html
    assert '<option value="" selected>Non spécifié</option>' in html
    assert 'href="/conditions-generales-d-utilisation/"' in html
    assert 'type="file" name="documents"' in html and "multiple" in html


def test_form_tells_what_is_done_with_personal_data_before_sending(client, authority):
    html = client.get(FORM_URL).content.decode()

    notice = BeautifulSoup(html, "html.parser").find(id="donnees-personnelles")
    assert "Vos données personnelles" in notice.get_text()
    assert "seuls médiateurs de Ville de Démo" in " ".join(notice.get_text().split())
    links = [link["href"] for link in notice.find_all("a")]
    assert links == ["/demo/donnees-personnelles/", "/politique-de-confidentialite/"]
    assert html.index('id="donnees-personnelles"') < html.index(">Envoyer</button>")


def visible_text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text().split())


def test_the_form_says_adresse_electronique_or_courriel_never_email(client, authority):
    shown = client.get(FORM_URL).content.decode()
    refused = client.post(FORM_URL, {"email_copy_wanted": "on"}).content.decode()

    for html in (shown, refused):
        assert not re.search(r"\be-?mails?\b", visible_text(html), re.IGNORECASE)


def test_honeypot_is_hidden_from_people_and_assistive_technologies(client, authority):
    html = client.get(FORM_URL).content.decode()

    trap = html.split('class="mediature-honeypot"')[1].split("</div>")[0]
    assert 'aria-hidden="true"' in trap
    assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap


def test_valid_request_creates_the_case_and_shows_its_number(client, authority, django_capture_on_commit_callbacks):
    documents = [SimpleUploadedFile("photo.png", png()), SimpleUploadedFile("courrier.pdf", PDF)]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM_URL, valid_data(documents=documents))

    assert response.status_code == 302
    assert response["Location"] == THANK_YOU_URL
    case = Case.objects.get()
    assert (case.authority, case.channel, case.originator) == (authority, Channel.WEB, Originator.CITIZEN)
    assert (case.prior_complaint, case.prior_complaint_answered) == (True, False)
    assert case.description == "Ma demande de place en crèche est sans réponse depuis six mois."
    assert case.email_copy_wanted is True
    citizen = case.citizen
    assert (citizen.gender, citizen.first_name, citizen.last_name) == (Gender.FEMALE, "Camille", "Durand")
    assert (citizen.street, citizen.postal_code, citizen.city) == ("3 rue de la Paix", "75002", "Paris")
    assert citizen.phone == "+33612345678"
    assert citizen.email == "camille.durand@exemple.fr"
    attachments = {a.name: a for a in case.attachments.select_related("content")}
    assert attachments["photo.png"].content_type == "image/png"
    assert attachments["courrier.pdf"].content_type == "application/pdf"
    assert bytes(attachments["courrier.pdf"].content.data) == PDF
    assert attachments["courrier.pdf"].size == len(PDF)
    assert {a.transmitter for a in attachments.values()} == {Transmitter.CITIZEN}
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.CREATED]

    thank_you = client.get(THANK_YOU_URL).content.decode()
    assert f"Dossier n°{case.number}" in thank_you
    assert "un médiateur va prendre contact avec vous" in thank_you


def test_acknowledgement_is_sent_with_a_copy_of_the_answers(client, authority, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(FORM_URL, valid_data(documents=[SimpleUploadedFile("courrier.pdf", PDF)]))

    case = Case.objects.get()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["camille.durand@exemple.fr"]
    assert f"Dossier n°{case.number}" in email.body
    for answer in [
        "Identité de genre : Femme",
        "Téléphone : +33612345678",
        "Avez-vous effectué une première réclamation auprès du service concerné ? : Oui",
        "Avez-vous reçu une réponse à cette réclamation ? : Non",
        "Motif de la demande : Ma demande de place en crèche",
        "Documents : courrier.pdf",
    ]:
        assert answer in email.body
    assert Message.objects.get().cases.get() == case


def test_acknowledgement_without_copy_leaves_the_answers_out(client, authority, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(FORM_URL, valid_data(email_copy_wanted=None))

    assert len(mail.outbox) == 1
    assert "Motif de la demande" not in mail.outbox[0].body


def test_request_without_email_is_recorded_without_acknowledgement(
    client, authority, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM_URL, valid_data(email="", email_copy_wanted=None, street="", city=""))

    assert response.status_code == 302
    assert Case.objects.get().citizen.phone == "+33612345678"
    assert mail.outbox == []
    assert Message.objects.count() == 0


def test_foreign_phone_number_is_stored_in_e164(client, authority):
    client.post(FORM_URL, valid_data(phone_pays="BE", phone_numero="0470 12 34 56"))

    assert Citizen.objects.get().phone == "+32470123456"


def test_thank_you_page_needs_a_fresh_submission(client, authority):
    assert client.get(THANK_YOU_URL)["Location"] == FORM_URL

    client.post(FORM_URL, valid_data())
    assert client.get(THANK_YOU_URL).status_code == 200
    assert client.get(THANK_YOU_URL)["Location"] == FORM_URL


def test_case_number_never_appears_in_a_url(client, authority):
    response = client.post(FORM_URL, valid_data(), follow=True)

    number = str(Case.objects.get().number)
    assert all(number not in url for url, _status in response.redirect_chain)


def many_files(count: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"piece-{index}.pdf", PDF) for index in range(count)]


# Built on demand: an uploaded file can be read only once.
BAD_REQUESTS = {
    "empty form": (dict, ["Champ requis.", "Indiquez au moins un moyen de vous contacter"]),
    "invalid phone": (
        lambda: valid_data(phone_numero="06 12", email="", street=""),
        ["Ce numéro de téléphone n&#x27;est pas valide"],
    ),
    "no contact method": (
        lambda: valid_data(email="", phone_numero="", street="", postal_code="", city="", email_copy_wanted=None),
        ["Indiquez au moins un moyen de vous contacter : adresse électronique, adresse postale complète ou téléphone."],
    ),
    "11 files": (lambda: valid_data(documents=many_files(11)), ["10 fichiers au maximum."]),
    "6 MiB file": (
        lambda: valid_data(documents=[SimpleUploadedFile("gros.pdf", PDF + b"0" * (6 * 1024 * 1024))]),
        ["« gros.pdf » dépasse 5 Mo."],
    ),
    "executable renamed .pdf": (
        lambda: valid_data(documents=[SimpleUploadedFile("facture.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)]),
        ["« facture.pdf » n&#x27;est pas un type de fichier accepté."],
    ),
    "script typed as text": (
        lambda: valid_data(documents=[SimpleUploadedFile("lancer.js", b"WScript.CreateObject('WScript.Shell')")]),
        ["« lancer.js » n&#x27;est pas un type de fichier accepté."],
    ),
    "PDF named .exe": (
        lambda: valid_data(documents=[SimpleUploadedFile("courrier.exe", PDF)]),
        ["« courrier.exe » n&#x27;est pas un type de fichier accepté."],
    ),
    "10,000-character name": (
        lambda: valid_data(last_name="D" * 10_000),
        ["Assurez-vous que cette valeur comporte au plus 150 caractères (actuellement 10000)."],
    ),
    "answer without prior complaint": (
        lambda: valid_data(prior_complaint="False"),
        ["Indiquez d&#x27;abord qu&#x27;un premier recours a été effectué."],
    ),
    "forged prior complaint answer": (
        lambda: valid_data(prior_complaint="peut-être", prior_complaint_answered=None),
        ["Choisissez l&#x27;une des réponses proposées."],
    ),
    "« don't know » to a yes / no question": (
        lambda: valid_data(prior_complaint_answered="unknown"),
        ["Choisissez l&#x27;une des réponses proposées."],
    ),
    "copy without email": (
        lambda: valid_data(email=""),
        ["Indiquez votre adresse électronique pour recevoir une copie de vos réponses."],
    ),
}


@pytest.mark.parametrize("case_name", BAD_REQUESTS)
def test_bad_request_is_refused_with_a_french_error_and_stores_nothing(client, authority, case_name):
    build_data, messages = BAD_REQUESTS[case_name]

    response = client.post(FORM_URL, build_data())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Votre demande n'a pas été envoyée" in html
    assert 'id="form-errors"' in html
    for message in messages:
        assert message in html
    assert_nothing_stored()


def browser_text(length: int) -> str:
    """A text of `length` characters as a browser counts them, with its 99 line breaks sent as CRLF."""
    lines = ["a" * 100] * 99
    return "\r\n".join([*lines, "a" * (length - 99 * 100 - 99)])


def test_description_is_measured_as_the_browser_counts_line_breaks(client, authority):
    client.post(FORM_URL, valid_data(description=browser_text(10_000)))

    description = Case.objects.get().description
    assert len(description) == 10_000
    assert "\r" not in description


def test_description_over_10000_characters_as_the_browser_counts_them_is_refused(client, authority):
    response = client.post(FORM_URL, valid_data(description=browser_text(10_001)))

    assert "au plus 10000 caractères (actuellement 10001)" in response.content.decode()
    assert_nothing_stored()


def test_refused_form_keeps_what_was_typed(client, authority):
    response = client.post(
        FORM_URL, valid_data(last_name="", gender=Gender.NON_BINARY, phone_pays="BE", prior_complaint="unknown")
    )

    html = response.content.decode()
    for kept in [
        'value="Camille"',
        'value="3 rue de la Paix"',
        'value="06 12 34 56 78"',
        'value="camille.durand@exemple.fr"',
        '<option value="non_binary" selected>',
        '<option value="BE" selected>',
        'value="unknown" dsfr="dsfr" id="id_prior_complaint_2" checked',
        "Ma demande de place en crèche est sans réponse depuis six mois.</textarea>",
        'name="email_copy_wanted" id="id_email_copy_wanted" checked',
    ]:
        assert kept in html
    assert_nothing_stored()


def test_refused_form_asks_to_choose_the_files_again_in_the_summary_and_beside_the_field(client, authority):
    response = client.post(FORM_URL, valid_data(first_name="", documents=[SimpleUploadedFile("courrier.pdf", PDF)]))

    soup = BeautifulSoup(response.content, "html.parser")
    summary = soup.find(id="form-errors")
    assert "2 points à corriger" in summary.get_text()
    again = summary.find("a", href="#id_documents")
    assert "choisissez-les à nouveau" in again.get_text()
    beside = soup.find(id="id_documents_again")
    assert "choisissez-les à nouveau" in beside.get_text()
    assert "id_documents_again" in soup.find(id="id_documents")["aria-describedby"].split()
    assert_nothing_stored()


def test_missing_contact_method_marks_no_valid_field(client, authority):
    data = valid_data(email="", phone_numero="", street="", postal_code="", city="", email_copy_wanted=None)

    soup = BeautifulSoup(client.post(FORM_URL, data).content, "html.parser")

    contact = soup.find(id="coordonnees")
    assert "fr-fieldset--error" not in contact["class"]  # DSFR paints every label of such a fieldset red
    assert not contact.select(".fr-input-group--error, .fr-select-group--error, .fr-fieldset--error, [aria-invalid]")
    message = soup.find(id=contact["aria-describedby"])
    assert "Indiquez au moins un moyen de vous contacter" in message.get_text()


def test_typed_markup_is_escaped_when_the_form_is_shown_again(client, authority):
    response = client.post(FORM_URL, valid_data(first_name='"><script>alert(1)</script>', last_name=""))

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_filled_honeypot_gets_a_polite_refusal_and_stores_nothing(client, authority):
    response = client.post(FORM_URL, valid_data(site_web="https://promo.example"))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Votre demande n&#x27;a pas pu être enregistrée. Merci de réessayer" in html
    assert 'value="Camille"' in html
    assert_nothing_stored()


def test_burst_of_submissions_from_one_address_is_refused(client, authority, settings):
    settings.REQUEST_RATE_LIMIT = 3
    for _attempt in range(3):
        assert client.post(FORM_URL, {}).status_code == 200  # invalid attempts count too

    response = client.post(FORM_URL, valid_data())

    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.REQUEST_RATE_WINDOW_SECONDS)
    html = response.content.decode()
    assert "Vous avez envoyé plusieurs demandes en peu de temps" in html
    assert 'value="Camille"' in html
    assert_nothing_stored()


def test_successful_submissions_count_towards_the_limit(client, authority, settings):
    settings.REQUEST_RATE_LIMIT = 2
    assert [client.post(FORM_URL, valid_data()).status_code for _ in range(3)] == [302, 302, 429]

    assert Case.objects.count() == 2


def test_limit_is_per_client_address(client, authority, settings):
    settings.REQUEST_RATE_LIMIT = 1
    assert client.post(FORM_URL, valid_data(), REMOTE_ADDR="192.0.2.1").status_code == 302
    assert client.post(FORM_URL, valid_data(), REMOTE_ADDR="192.0.2.1").status_code == 429

    assert client.post(FORM_URL, valid_data(), REMOTE_ADDR="192.0.2.2").status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: the header is written by the client, ignored
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # one proxy: its entry, not the spoofed one
        (2, "198.51.100.7, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # too short to have crossed both proxies
    ],
)
def test_client_address_honours_the_trusted_proxies(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post(FORM_URL, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("+32470123456", ["BE", "0470 12 34 56"]), ("", ["FR", ""]), ("06 12", ["FR", "06 12"])],
)
def test_phone_field_shows_a_stored_number_as_country_and_national_number(stored, shown):
    assert PhoneWidget().decompress(stored) == shown


def test_postal_code_offers_city_suggestions_from_the_address_api(client, authority, settings):
    page = client.get("/demo/faire-une-demande/")
    assert 'data-city-lookup-url="https://api-adresse.data.gouv.fr/search/"' in page.content.decode()
    directives = dict(d.strip().split(" ", 1) for d in page.headers["Content-Security-Policy"].split(";"))
    assert directives["connect-src"] == "'self' https://api-adresse.data.gouv.fr"
    settings.CITY_LOOKUP_URL = ""
    assert "data-city-lookup-url" not in client.get("/demo/faire-une-demande/").content.decode()
