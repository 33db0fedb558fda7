import os
import shutil

import pytest

from authorities.models import Role
from tests.factories import AuthorityFactory, MembershipFactory, UserFactory


@pytest.fixture
def authority(db):
    return AuthorityFactory(name="Ville de Démo", slug="demo")


@pytest.fixture
def other_authority(db):
    return AuthorityFactory(name="Autre Ville", slug="autre")


def member_of(authority, role: str):
    return MembershipFactory(authority=authority, role=role).user


@pytest.fixture
def agent(authority):
    return member_of(authority, Role.AGENT)


@pytest.fixture
def main_agent(authority):
    return member_of(authority, Role.MAIN_AGENT)


@pytest.fixture
def editor(authority):
    return member_of(authority, Role.EDITOR)


@pytest.fixture
def other_agent(other_authority):
    return member_of(other_authority, Role.AGENT)


@pytest.fixture
def platform_admin(db):
    """A platform admin who has set up two-factor sign-in: `force_login` also passes the second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = UserFactory(is_superuser=True, is_staff=True)
    admin.otp_device = TOTPDevice.objects.create(user=admin, name="Téléphone", confirmed=True)
    return admin


@pytest.fixture
def mail_settings(db, settings):
    """Webhook secret and provider keys set; the providers' HTTP APIs answer through `responses`."""
    from tests.mailbox import WEBHOOK_SECRET

    settings.ANYMAIL = {
        "MAILJET_API_KEY": "",
        "MAILJET_SECRET_KEY": "",
        "BREVO_API_KEY": "",
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    settings.INBOUND_DOMAIN = "reponses.mediature.test"
    return settings


@pytest.fixture
def provider_api():
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        yield api


@pytest.fixture
def inbox(mail_settings, provider_api, client, django_capture_on_commit_callbacks):
    """Feed an email through a door and run what commits after it (huey runs tasks inline in tests)."""
    from cases.models import InboundEmail
    from tests import mailbox

    mail_settings.ANYMAIL = {**mail_settings.ANYMAIL, "BREVO_API_KEY": "cle-brevo-de-test"}
    provider_api.add(
        "POST", f"{mailbox.BREVO_API}smtp/email", json={"messageId": "<envoi@smtp-relay.brevo.com>"}, status=201
    )

    def deliver(door: str, raw: bytes):
        before = set(InboundEmail.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            mailbox.feed(door, raw, client, provider_api)
        [stored] = InboundEmail.objects.exclude(pk__in=before)
        return stored

    return deliver


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (emails, search index) at the end of the block, as a real commit would.

    Tests run inside a transaction that never commits, so `transaction.on_commit` work never happens by itself.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, for tests/e2e and tests/production alike: Playwright's sync API
    allows one instance per thread, so both lanes share this one."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package.")
        pytest.skip("Chromium is not installed (apt-get install -y chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
