"""Steps the browser tests share."""

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
