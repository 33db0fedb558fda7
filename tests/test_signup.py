"""Sign-up from an invitation link (/admin/inscription/…) and the password rules."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from authorities import invitations
from authorities.models import Membership, Role, User
from cases.models import Message
from tests.test_invitations import STRONG, token_from_email


@pytest.fixture
def link(authority, main_agent):
    invitations.invite(email="nouveau@exemple.fr", role=Role.AGENT, authority=authority, issued_by=main_agent)
    return f"/admin/inscription/{token_from_email('nouveau@exemple.fr')}/"


def assert_error_shown_and_tied(html: str, field_id: str, message: str) -> None:
    """The field's message is in its error container, which its input names in aria-describedby (RGAA 11.10),
    outside any « login-form », whose field errors Wagtail's CSS hides (display: none)."""
    soup = BeautifulSoup(html, "html.parser")
    error = soup.find(id=f"{field_id}_error")
    assert error is not None and message in error.get_text()
    assert error.find_parent(class_="login-form") is None
    assert f"{field_id}_error" in soup.find(id=field_id)["aria-describedby"].split()


def form(**overrides):
    return {"first_name": "Nina", "last_name": "Lopez", "password": STRONG, "terms": "on", **overrides}


def test_the_link_keeps_the_token_out_of_the_address_bar(client, link):
    response = client.get(link)
    assert response.status_code == 302 and response.url == "/admin/inscription/"
    page = client.get("/admin/inscription/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "nouveau@exemple.fr" in content and "Ville de Démo" in content
    assert link.split("/")[-2] not in content


def test_signing_up_creates_the_account_with_its_membership(client, authority, link):
    client.get(link)
    response = client.post("/admin/inscription/", form(email="pirate@exemple.fr"))
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    user = User.objects.get(email="nouveau@exemple.fr")  # the email comes from the invitation, never the form
    assert (user.first_name, user.last_name) == ("Nina", "Lopez")
    assert user.check_password(STRONG)
    assert Membership.objects.get(user=user).role == Role.AGENT
    assert not User.objects.filter(email="pirate@exemple.fr").exists()
    assert Message.objects.get(to=["nouveau@exemple.fr"], template="signup_confirmation").subject == (
        "Confirmation d'inscription"
    )


def test_the_link_works_once(client, link):
    client.get(link)
    client.post("/admin/inscription/", form())
    client.get(link)
    response = client.get("/admin/inscription/")
    assert response.status_code == 410
    assert "déjà été utilisée" in response.content.decode()


def test_terms_must_be_accepted(client, link):
    client.get(link)
    response = client.post("/admin/inscription/", form(terms=""))
    assert response.status_code == 200
    assert "conditions générales" in response.content.decode()
    assert not User.objects.filter(email="nouveau@exemple.fr").exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("court-9x", "trop court"),
        ("azertyuiop123", "trop facile"),
        ("123456789012345", "entièrement numérique"),
        ("nina-lopez-2024-soleil", "nom, votre prénom"),
        ("motdepasse1234", "trop facile"),
        ("Mediature2026!", "trop facile"),  # the platform's name
        ("VilledeDémo2026!", "trop facile"),  # the name of the authority inviting
    ],
)
def test_weak_passwords_are_refused(client, link, password, message):
    client.get(link)
    response = client.post("/admin/inscription/", form(password=password))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="nouveau@exemple.fr").exists()


def test_a_refused_password_says_why_next_to_the_field(client, link):
    client.get(link)
    response = client.post("/admin/inscription/", form(password="Mediature2026!"))
    assert_error_shown_and_tied(response.content.decode(), "id_password", "trop facile à deviner")
    help_text = BeautifulSoup(response.content, "html.parser").find(id="id_password")["aria-describedby"]
    assert "id_password-helptext" in help_text.split()  # the rules stay tied too


def test_the_rules_are_shown_next_to_the_field(client, link):
    client.get(link)
    content = client.get("/admin/inscription/").content.decode()
    assert "data-password-hints" in content
    assert "authorities/password-hints.js" in content
    assert "12 caractères" in content


def test_long_passphrases_without_symbols_are_accepted(agent):
    password_validation.validate_password("lanterne violette sous la pluie", agent)


def test_no_composition_rules(agent):
    for password in ("tout en minuscules sans chiffres ni symboles", "MAJUSCULES PARTOUT ET RIEN DAUTRE ICI"):
        password_validation.validate_password(password, agent)


def test_personal_details_are_refused(agent):
    agent.first_name = "Bérénice"
    with pytest.raises(ValidationError):
        password_validation.validate_password(f"{agent.email.split('@')[0]}-soleil-couchant", agent)


@pytest.mark.parametrize("password", ["Médiature2026!", "Mediature-2026", "Villededemo2026!", "villededémo-2026"])
def test_the_platform_and_authority_names_are_known_words(agent, password):
    with pytest.raises(ValidationError, match="trop facile"):
        password_validation.validate_password(password, agent)


def test_an_invalid_link_says_so(client, db):
    client.get("/admin/inscription/nimportequoi/")
    response = client.get("/admin/inscription/")
    assert response.status_code == 410
    assert "pas valide" in response.content.decode()
