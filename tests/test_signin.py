"""Signing in to the admin: lockout per account and per IP with a cool-off, session limits, sign-out everywhere."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from authorities.auth import LAST_SEEN, SIGNED_IN_AT
from cases.models import Message
from tests.factories import TEST_PASSWORD

LOGIN = "/admin/login/"
NEW_PASSWORD = "nuage-ardoise-capucine-17"


def sign_in(client, email, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_agent_signs_in_with_their_email(client, agent):
    response = sign_in(client, agent.email.upper(), TEST_PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_account_is_locked_after_five_failures_even_with_the_right_password(client, agent):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, agent.email, "mauvais").status_code == 200
    locked = sign_in(client, agent.email, "mauvais")
    assert locked.status_code == 429
    assert "bloquée pendant 15 minutes" in locked.content.decode()
    assert sign_in(client, agent.email, TEST_PASSWORD, ip="10.9.9.9").status_code == 429  # per account, any address
    assert not signed_in(client)


def test_the_lock_lifts_after_the_cool_off(client, agent):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, agent.email, "mauvais")
    assert sign_in(client, agent.email, TEST_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert sign_in(client, agent.email, TEST_PASSWORD).status_code == 302
    assert signed_in(client)


def test_an_address_is_locked_after_twenty_failures_across_accounts(client, agent):
    limit = settings.LOCKOUT_LIMITS["ip_address"]
    for n in range(limit - 1):
        assert sign_in(client, f"inconnu{n}@exemple.fr", "mauvais", ip="10.0.0.7").status_code == 200
    assert sign_in(client, agent.email, TEST_PASSWORD, ip="10.0.0.7").status_code == 302  # 19 failures: still open
    client.logout()
    sign_in(client, "inconnu-final@exemple.fr", "mauvais", ip="10.0.0.7")
    assert sign_in(client, agent.email, TEST_PASSWORD, ip="10.0.0.7").status_code == 429
    assert sign_in(Client(), agent.email, TEST_PASSWORD, ip="10.0.0.8").status_code == 302  # other address


def test_a_success_resets_the_account_count(client, agent):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, agent.email, "mauvais")
    sign_in(client, agent.email, TEST_PASSWORD)
    client.logout()
    assert sign_in(client, agent.email, "mauvais").status_code == 200


def age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_session_ends_after_an_hour_idle(client, agent):
    client.force_login(agent)
    assert client.get("/admin/").status_code == 200
    age_session(client, **{LAST_SEEN: settings.SESSION_IDLE_TIMEOUT - 120})
    assert client.get("/admin/").status_code == 200  # 58 minutes: still open, and the clock restarts
    assert int(time.time()) - client.session[LAST_SEEN] < 5
    age_session(client, **{LAST_SEEN: settings.SESSION_IDLE_TIMEOUT + 1})
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert not signed_in(client)


def test_session_ends_twelve_hours_after_sign_in_even_when_active(client, agent):
    client.force_login(agent)
    age_session(client, **{SIGNED_IN_AT: 12 * 3600 + 1, LAST_SEEN: 10})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert not signed_in(client)
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_changing_the_password_signs_out_every_other_session(agent):
    here, elsewhere = Client(), Client()
    here.force_login(agent)
    elsewhere.force_login(agent)
    response = here.post(
        "/admin/account/",
        {
            "password-old_password": TEST_PASSWORD,
            "password-new_password1": NEW_PASSWORD,
            "password-new_password2": NEW_PASSWORD,
            "name_email-first_name": agent.first_name,
            "name_email-last_name": agent.last_name,
            "locale-preferred_language": "fr",
            "locale-current_time_zone": "Europe/Paris",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agent.refresh_from_db()
    assert agent.check_password(NEW_PASSWORD)
    assert here.get("/admin/").status_code == 200
    assert elsewhere.get("/admin/").status_code == 302
    assert Message.objects.get(to=[agent.email], template="password_changed").subject == "Mot de passe mis à jour"


def test_the_account_page_edits_names_but_not_the_email(client, agent):
    client.force_login(agent)
    content = client.get("/admin/account/").content.decode()
    assert 'name="name_email-first_name"' in content
    assert 'name="name_email-email"' not in content
    assert "data-password-hints" in content


@pytest.mark.parametrize("weak", ["court", "azertyuiop123"])
def test_password_change_follows_the_rules(client, agent, weak):
    client.force_login(agent)
    client.post(
        "/admin/account/",
        {"password-old_password": TEST_PASSWORD, "password-new_password1": weak, "password-new_password2": weak},
    )
    agent.refresh_from_db()
    assert agent.check_password(TEST_PASSWORD)
