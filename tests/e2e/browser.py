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
