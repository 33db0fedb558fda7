"""Onboarding in a real browser (issue #5): an admin creates an authority and invites its main agent; the main
agent signs up from the emailed link, signs in, invites an agent and an editor; the editor edits and publishes
the authority's support page, which the public then sees."""

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from authorities.models import Authority, Membership, Role, User
from tests.e2e.browser import sign_in
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORDS = {
    "chef@brest.example": "phare-granit-marée-31",
    "editeur@brest.example": "goéland-crêpe-bruine-74",
}


def emailed_link(email: str) -> str:
    """The sign-up link of the last invitation sent to `email` (the outbox row forgets it once sent)."""
    text = [sent.body for sent in mail.outbox if sent.to == [email] and "/admin/inscription/" in sent.body][-1]
    return urlparse(re.search(r"https?://\S+/admin/inscription/\S+/", text).group(0)).path


def sign_up(page, email, first_name, last_name, axe=None) -> None:
    page.goto(emailed_link(email))
    page.wait_for_url("**/admin/inscription/")
    assert page.input_value("#id_email") == email
    page.fill("#id_first_name", first_name)
    page.fill("#id_last_name", last_name)
    page.fill("#id_password", "Mediature2026!")  # long enough, but the platform's name
    page.check("#id_terms")
    page.get_by_role("button", name="Créer mon compte").click()
    assert_visible_error(page, "id_password", "trop facile à deviner")
    page.fill("#id_password", "court")
    assert page.locator("li[data-ok=false]", has_text="Au moins 12 caractères").is_visible()
    page.fill("#id_password", PASSWORDS[email])
    assert page.locator("li[data-ok=true]", has_text="Au moins 12 caractères").is_visible()
    page.check("#id_terms")
    if axe:
        axe.assert_no_violations(page)
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url("**/admin/login/**")
    assert page.get_by_text("Votre compte est créé").is_visible()


def assert_visible_error(page, field_id: str, message: str) -> None:
    """The field's error message is shown (not only a red box) and is what the field is described by."""
    shown = page.locator(f"#{field_id}_error").get_by_text(message)
    shown.wait_for()  # the page sent back after the click
    assert shown.is_visible()
    assert f"{field_id}_error" in page.get_attribute(f"#{field_id}", "aria-describedby").split()


def invite(page, email, role_label) -> None:
    page.get_by_role("link", name="Inviter un membre").click()
    page.fill("#id_email", email)
    page.get_by_label(role_label, exact=True).check()
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.wait_for_selector(f"text=Invitation envoyée à {email}")


def test_onboarding_from_authority_creation_to_a_published_page(page, axe, browser, live_server):
    admin = UserFactory(email="admin@plateforme.example", is_superuser=True, is_staff=True)
    device = TOTPDevice.objects.create(user=admin, name="Téléphone", confirmed=True)

    # The admin signs in with both factors and creates the authority.
    sign_in(page, admin.email, TEST_PASSWORD)
    page.wait_for_url("**/double-authentification/verifier/**")
    page.fill("#id_token", "000000")
    page.get_by_role("button", name="Valider").click()
    assert_visible_error(page, "id_token", "Ce code n'est pas valide.")
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    page.fill("#id_token", f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}")
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto("/admin/collectivites/new/")
    assert "ne pourra plus jamais être modifié" in page.content()
    page.fill("#id_name", "Ville de Brest")
    page.fill("#id_slug", "brest")
    page.select_option("#id_type", "city")
    page.locator("form#w-editor-form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/admin/collectivites/$"))
    authority = Authority.objects.get(slug="brest")

    # … and invites its main agent from the team page.
    page.goto(f"/admin/equipe/{authority.pk}/")
    invite(page, "chef@brest.example", "Médiateur principal")
    page.reload()  # without the flash message, whose colours are Wagtail's own
    assert page.get_by_role("button", name=re.compile("Annuler l'invitation")).is_visible()
    axe.assert_no_violations(page)

    # The main agent signs up from the emailed link in their own browser, then signs in.
    main_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    main_page = main_context.new_page()
    sign_up(main_page, "chef@brest.example", "Yann", "Le Gall", axe)
    sign_in(main_page, "chef@brest.example", PASSWORDS["chef@brest.example"])
    main_page.wait_for_url(re.compile(r"/admin/$"))
    assert Membership.objects.get(user__email="chef@brest.example").role == Role.MAIN_AGENT

    # The main agent invites an agent and an editor.
    main_page.goto("/admin/equipe/")
    main_page.wait_for_url(f"**/admin/equipe/{authority.pk}/")
    invite(main_page, "agent@brest.example", "Médiateur")
    invite(main_page, "editeur@brest.example", "Éditeur")
    assert "agent@brest.example" in main_page.content() and "editeur@brest.example" in main_page.content()
    main_context.close()

    # The editor signs up, signs in, edits and publishes the support page.
    editor_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    editor_page = editor_context.new_page()
    sign_up(editor_page, "editeur@brest.example", "Maëlle", "Kerouac")
    sign_in(editor_page, "editeur@brest.example", PASSWORDS["editeur@brest.example"])
    editor_page.wait_for_url(re.compile(r"/admin/$"))
    support = authority.page.get_children().get(slug="aide")
    editor_page.goto(f"/admin/pages/{support.pk}/edit/")
    editor_page.fill("#id_title", "Aide et contact à Brest")
    editor_page.locator("footer [data-w-dropdown-target=toggle]").first.click()
    editor_page.locator("button[name=action-publish]").click()
    editor_page.wait_for_url(f"**/admin/pages/{authority.page.pk}/**")
    assert User.objects.get(email="editeur@brest.example").memberships.get().role == Role.EDITOR
    editor_context.close()

    # The public sees the published page.
    page.context.clear_cookies()
    page.goto("/brest/aide/")
    assert page.get_by_role("heading", name="Aide et contact à Brest").first.is_visible()
