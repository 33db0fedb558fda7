"""Two-factor sign-in (django-otp): required for platform admins, available to everyone, recovery codes."""

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD, UserFactory
from tests.test_signup import assert_error_shown_and_tied

SETUP = "/admin/double-authentification/configurer/"
VERIFY = "/admin/double-authentification/verifier/"
STATUS = "/admin/double-authentification/"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client, user):
    response = client.post("/admin/login/", {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


def set_up(client, user) -> list[str]:
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"token": current_code(device)})
    assert response.status_code == 302
    return re.findall(r"<code>([a-z2-7]{8})</code>", client.get(STATUS).content.decode())


def forget_failures(user) -> None:
    """django-otp slows down the next try after a wrong code; tests move on without waiting."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)


@pytest.fixture
def new_admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


def test_a_platform_admin_without_a_device_reaches_only_the_set_up_page(client, new_admin):
    sign_in(client, new_admin)
    for url in ("/admin/", "/admin/collectivites/", "/admin/administrateurs/", "/admin/pages/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(SETUP), url
    page = client.get(SETUP)
    assert page.status_code == 200
    content = page.content.decode()
    assert "<svg" in content and "obligatoire" in content


def test_setting_up_opens_the_admin_and_shows_ten_recovery_codes_once(client, new_admin):
    sign_in(client, new_admin)
    codes = set_up(client, new_admin)
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200
    assert not re.findall(r"<code>([a-z2-7]{8})</code>", client.get(STATUS).content.decode())


def test_a_wrong_code_does_not_confirm_the_device(client, new_admin):
    sign_in(client, new_admin)
    client.get(SETUP)
    response = client.post(SETUP, {"token": "000000"})
    assert response.status_code == 200
    assert_error_shown_and_tied(response.content.decode(), "id_token", "Ce code n'est pas valide.")
    assert not TOTPDevice.objects.filter(user=new_admin, confirmed=True).exists()


def test_next_sign_in_asks_for_the_code(client, new_admin):
    sign_in(client, new_admin)
    set_up(client, new_admin)
    client.logout()
    other = Client()
    sign_in(other, new_admin)
    response = other.get("/admin/collectivites/")
    assert response.status_code == 302 and response.url.startswith(VERIFY)
    wrong = other.post(VERIFY, {"token": "123456"})
    assert wrong.status_code == 200
    assert_error_shown_and_tied(wrong.content.decode(), "id_token", "Ce code n'est pas valide.")
    forget_failures(new_admin)
    device = TOTPDevice.objects.get(user=new_admin)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the set-up already used this time step's code
    device.refresh_from_db()
    assert other.post(VERIFY, {"token": current_code(device), "next": "/admin/collectivites/"}).url == (
        "/admin/collectivites/"
    )
    assert other.get("/admin/collectivites/").status_code == 200


def test_a_recovery_code_works_once(client, new_admin):
    sign_in(client, new_admin)
    code = set_up(client, new_admin)[0]
    client.logout()
    first, second = Client(), Client()
    sign_in(first, new_admin)
    assert first.post(VERIFY, {"token": code}).status_code == 302
    assert first.get("/admin/").status_code == 200
    sign_in(second, new_admin)
    assert second.post(VERIFY, {"token": code}).status_code == 200
    assert second.get("/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=new_admin).count() == 9


def test_two_factor_is_optional_for_agents_and_available(client, agent):
    sign_in(client, agent)
    assert client.get("/admin/").status_code == 200
    assert "Activer la double authentification" in client.get(STATUS).content.decode()
    set_up(client, agent)
    client.logout()
    sign_in(client, agent)
    assert client.get("/admin/").url.startswith(VERIFY)


def test_an_agent_can_turn_it_off_with_a_code_an_admin_cannot(client, agent, new_admin):
    sign_in(client, agent)
    codes = set_up(client, agent)
    client.post(f"{STATUS}desactiver/", {"token": "999999"})
    assert TOTPDevice.objects.filter(user=agent).exists()
    forget_failures(agent)
    client.post(f"{STATUS}desactiver/", {"token": codes[0]})
    assert not TOTPDevice.objects.filter(user=agent).exists()
    admin_client = Client()
    sign_in(admin_client, new_admin)
    admin_codes = set_up(admin_client, new_admin)
    admin_client.post(f"{STATUS}desactiver/", {"token": admin_codes[0]})
    assert TOTPDevice.objects.filter(user=new_admin, confirmed=True).exists()


def test_recovery_codes_can_be_renewed(client, agent):
    sign_in(client, agent)
    old = set_up(client, agent)
    client.post(f"{STATUS}codes-de-secours/")
    new = re.findall(r"<code>([a-z2-7]{8})</code>", client.get(STATUS).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
