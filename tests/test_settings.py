"""Production configuration: secure by default, and nothing personal sent to Sentry."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from cases.checks import MIN_PASSWORD_LENGTH, require_webhook_secret, webhook_secret_problem
from mediature.sentry import scrub_event

PROJECT_DIR = Path(__file__).resolve().parent.parent


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "mediature.example",
        "SITE_URL": "https://mediature.example",
        "ANYMAIL_WEBHOOK_SECRET": "mailjet:" + secrets.token_urlsafe(16),
        "MAILJET_API_KEY": "key",
        "MAILJET_SECRET_KEY": "secret",
        "BREVO_API_KEY": "key",
        "INBOUND_DOMAIN": "reponse.mediature.example",
    }
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_with_production_variables_prints_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


LONG_ENOUGH = "p" * MIN_PASSWORD_LENGTH


@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        ("", "n'est pas défini"),
        (None, "n'est pas défini"),
        ([], "n'est pas défini"),
        ("un-long-secret-sans-utilisateur", "n'a pas la forme « utilisateur:mot-de-passe »"),
        (f":{LONG_ENOUGH}", "n'a pas la forme « utilisateur:mot-de-passe »"),
        ("mediature:court", "a un mot de passe de 5 caractères"),
        ([f"mailjet:{LONG_ENOUGH}", "brevo:court"], "a un mot de passe de 5 caractères"),
        (f"mediature:{LONG_ENOUGH}", ""),
        ([f"mailjet:{LONG_ENOUGH}", f"brevo:{LONG_ENOUGH}"], ""),  # a list, to rotate the secret
    ],
)
def test_the_webhook_secret_rule(secret, problem):
    assert webhook_secret_problem(secret) == problem


def test_development_and_tests_need_no_webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    settings.DEBUG, settings.TESTING = True, False
    require_webhook_secret()
    settings.DEBUG, settings.TESTING = False, True
    require_webhook_secret()


WEB = [sys.executable, "-c", "import mediature.wsgi"]  # what gunicorn loads: no system check runs
WORKER = [sys.executable, "manage.py", "run_huey"]
COMMAND = [sys.executable, "manage.py", "check"]


def start(command: list[str], secret: str) -> subprocess.CompletedProcess:
    env = production_env(ANYMAIL_WEBHOOK_SECRET=secret)
    return subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("secret", ["", "mediature:court", "sans-deux-points-mais-assez-long"])
def test_web_worker_and_commands_all_refuse_a_weak_webhook_secret_saying_what_is_expected(secret):
    """A short user:password stopped every command on cases.E001 while gunicorn served with it."""
    for command in (WEB, WORKER, COMMAND):
        result = start(command, secret)
        assert result.returncode != 0, command
        assert "ANYMAIL_WEBHOOK_SECRET" in result.stderr, command
        expected = f"avec un utilisateur non vide et un mot de passe de {MIN_PASSWORD_LENGTH} caractères au moins"
        assert "« utilisateur:mot-de-passe »" in result.stderr and expected in result.stderr, command


def test_web_and_commands_start_with_a_sound_webhook_secret():
    for command in (WEB, COMMAND):
        result = start(command, f"mediature:{LONG_ENOUGH}")
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("DEBUG", "False"),
        ("SESSION_COOKIE_SECURE", "True"),
        ("CSRF_COOKIE_SECURE", "True"),
        ("SECURE_SSL_REDIRECT", "True"),
        ("SECURE_HSTS_SECONDS", "31536000"),
        ("LANGUAGE_CODE", "fr"),
        ("EMAIL_BACKEND", "anymail.backends.mailjet.EmailBackend"),
    ],
)
def test_production_defaults_are_secure(setting, expected):
    result = manage(
        "shell", "-v0", "-c", f"from django.conf import settings; print(settings.{setting})", env=production_env()
    )
    assert result.stdout.strip() == expected, result.stderr


def test_embedded_defaults_for_a_newcomer():
    env = {"PATH": os.environ["PATH"], "DEBUG": "1"}
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.EMAIL_BACKEND, type(settings.HUEY).__name__)"
    )
    result = manage("shell", "-v0", "-c", code, env=env)
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.mail.backends.console.EmailBackend",
        "SqliteHuey",
    ], result.stderr


def test_sentry_events_lose_every_personal_field():
    event = {
        "user": {"email": "usager@exemple.fr", "ip_address": "203.0.113.9"},
        "extra": {"citizen": "Camille Martin"},
        "request": {
            "url": "https://mediature.example/demo/faire-une-demande/",
            "data": {"first_name": "Camille", "description": "Mon dossier de santé"},
            "cookies": {"sessionid": "abc"},
            "query_string": "email=usager@exemple.fr",
            "headers": {"Cookie": "sessionid=abc", "Authorization": "Basic eA==", "User-Agent": "Firefox"},
        },
    }
    scrubbed = scrub_event(event)
    assert "user" not in scrubbed and "extra" not in scrubbed
    assert scrubbed["request"] == {
        "url": "https://mediature.example/demo/faire-une-demande/",
        "headers": {"User-Agent": "Firefox"},
    }


def test_sentry_is_initialised_without_personal_data(monkeypatch):
    import sentry_sdk

    from mediature.sentry import init_sentry

    captured = {}
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: captured.update(options))
    assert init_sentry("", environment="test") is False
    assert captured == {}
    assert init_sentry("https://key@sentry.example/1", environment="test") is True
    assert captured["send_default_pii"] is False
    assert captured["include_local_variables"] is False
    assert captured["max_request_body_size"] == "never"
    assert captured["before_send"] is scrub_event
