"""Steps the browser tests share (tests/e2e and tests/production)."""

import re

from tests.factories import TEST_PASSWORD


def sign_in(page, email: str, password: str = TEST_PASSWORD) -> None:
    """Fill Wagtail's sign-in form; callers wait for where they expect to land (dashboard, two-factor step…)."""
    page.goto("/admin/login/")
    page.fill("[name=username]", email)
    page.fill("[name=password]", password)
    page.click("button[type=submit]")


def sign_in_to_dashboard(page, user) -> None:
    sign_in(page, user.email)
    page.wait_for_url("**/admin/")


def draftail(page, field_id: str):
    """The Draftail editor of a rich-text field: Wagtail builds it next to the field's hidden input."""
    editor = page.locator(f"*:has(> #{field_id}) > [data-draftail-editor-wrapper]")
    editor.locator(".DraftEditor-root [contenteditable=true]").wait_for()  # Draftail really loaded
    return editor


def wait_for_draftail_save(page, field_id: str, text: str) -> None:
    """Draftail writes its hidden input 250 ms after the last change: wait for it, as a person would."""
    page.wait_for_function(
        "([id, text]) => document.getElementById(id).value.includes(text)", arg=[field_id, text], timeout=5_000
    )


def propose_referral(page, number: int, destination: str, check=lambda page: None) -> None:
    """From the case page, refer the case to `destination` (missing fields named first); `check` judges each page."""
    page.goto(f"/admin/dossiers/{number}/")
    page.get_by_role("link", name="Transmettre").click()
    page.wait_for_url(f"**/admin/dossiers/{number}/transmettre/")
    check(page)
    page.get_by_role("button", name="Proposer la transmission").click()  # nothing filled: every error named
    page.wait_for_selector("text=Choisissez la collectivité à qui transmettre le dossier.")
    page.select_option("#id_to_authority", label=destination)
    page.select_option("#id_reason", "competence")
    page.fill("#id_note", "Route départementale : relève du département.")
    page.get_by_label("Par téléphone").check()
    page.get_by_role("button", name="Proposer la transmission").click()
    page.wait_for_selector("text=Ses médiateurs vont répondre.")
    check(page)


def accept_referral(page, number: int, check=lambda page: None) -> str:
    """From the receiving agent's dashboard, open the proposal and accept it; returns the proposal page's HTML."""
    page.locator("#transmissions-a-examiner-section").get_by_role("link", name=f"Dossier n°{number}").click()
    page.wait_for_url(re.compile(r"/admin/dossiers/transmissions/\d+/$"))
    check(page)
    proposal = page.content()
    page.get_by_role("button", name="Accepter le dossier").click()
    page.wait_for_url(f"**/admin/dossiers/{number}/")
    page.wait_for_selector("text=il est à traiter par votre collectivité")
    check(page)
    return proposal
