"""Password reset (Wagtail's views, our form and emails): same answer for every address, 60-minute one-use link."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.models import Message
from tests.factories import TEST_PASSWORD

RESET = "/admin/password_reset/"
NEW_PASSWORD = "brume-cannelle-horizon-58"


def request_reset(client, email):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post(RESET, {"email": email})
        elapsed = time.perf_counter() - started
    return response, len(queries), elapsed


def reset_link(email) -> str:
    """The link from the email as sent (the outbox row forgets it once sent)."""
    [text] = [sent.body for sent in mail.outbox if sent.to == [email] and "password_reset" in sent.body]
    return re.search(r"https?://[^/\s]+(/admin/password_reset/confirm/\S+/)", text).group(1)


def test_same_answer_and_same_work_for_known_and_unknown_addresses(client, agent, django_capture_on_commit_callbacks):
    request_reset(Client(), "echauffement@exemple.fr")  # first request compiles templates: not measured
    known_times, unknown_times = [], []
    for _ in range(3):
        with django_capture_on_commit_callbacks() as known_callbacks:
            known, known_queries, elapsed = request_reset(Client(), agent.email)
            known_times.append(elapsed)
        with django_capture_on_commit_callbacks() as unknown_callbacks:
            unknown, unknown_queries, elapsed = request_reset(Client(), "personne@exemple.fr")
            unknown_times.append(elapsed)
    known_time, unknown_time = min(known_times), min(unknown_times)
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url) == (302, "/admin/password_reset/done/")
    done_known = client.get(known.url).content.decode()
    done_unknown = Client().get(unknown.url).content.decode()
    assert done_known.split("<main")[1] == done_unknown.split("<main")[1]
    # Timing class: the request does the same work either way (no lookup, one task enqueued after commit).
    assert known_queries == unknown_queries
    assert len(known_callbacks) == len(unknown_callbacks) == 1
    assert abs(known_time - unknown_time) < max(0.05, 0.5 * min(known_time, unknown_time))
    assert not Message.objects.exists()  # nothing is sent from the request itself


def test_the_task_sends_the_link_to_known_addresses_only(client, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": agent.email.upper()})
        client.post(RESET, {"email": "personne@exemple.fr"})
    message = Message.objects.get(template="password_reset_request")
    assert message.to == [agent.email]
    assert message.subject == "Renouvellement de mot de passe"
    [sent] = mail.outbox
    assert sent.to == [agent.email]
    assert "valable 60 minutes" in sent.body
    assert "/admin/password_reset/confirm/" not in message.text + message.html  # the stored copy forgets the link
    assert not Message.objects.filter(to=["personne@exemple.fr"]).exists()


@pytest.fixture
def link(client, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": agent.email})
    return reset_link(agent.email)


def choose_password(client, link, password=NEW_PASSWORD):
    form_page = client.get(link, follow=True)
    return client.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def test_the_link_resets_the_password_once_and_confirms_by_email(client, agent, link):
    response = choose_password(client, link)
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password(NEW_PASSWORD)
    assert Message.objects.get(to=[agent.email], template="password_reset_done").subject == "Mot de passe réinitialisé"
    again = Client().get(link, follow=True)
    assert "new_password1" not in again.content.decode()  # used: the token no longer matches


def test_the_link_expires_after_sixty_minutes(client, agent, link, settings):
    from django.contrib.auth.tokens import default_token_generator

    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    token = link.rstrip("/").split("/")[-1]
    now = default_token_generator._now()
    default_token_generator._now = lambda: now + timedelta(minutes=61)
    try:
        assert not default_token_generator.check_token(agent, token)
    finally:
        del default_token_generator._now
    assert default_token_generator.check_token(agent, token)


def test_the_new_password_follows_the_rules(client, agent, link):
    response = choose_password(client, link, "azertyuiop123")
    assert response.status_code == 200
    agent.refresh_from_db()
    assert agent.check_password(TEST_PASSWORD)


def test_a_reset_signs_out_every_session(agent, django_capture_on_commit_callbacks):
    elsewhere = Client()
    elsewhere.force_login(agent)  # before the request: signing in changes last_login, which voids older links
    assert elsewhere.get("/admin/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(RESET, {"email": agent.email})
    choose_password(Client(), reset_link(agent.email))
    assert elsewhere.get("/admin/").status_code == 302
