"""The original of a received email in a real browser (issue #12, point 10): a real Sparrow reply reaches the case
stripped of its quoted history; the agent shows the whole email, opens its original and downloads the .eml.
axe-core checks the case page and the original's page."""

import pytest

from cases.mail.inbound import process, store_raw
from tests.e2e.browser import read_original, sign_in_to_dashboard
from tests.factories import CaseFactory
from tests.mailbox import MAIL_DIR, addressed

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_reads_the_whole_email_and_downloads_its_original(page, axe, authority, agent, mail_settings):
    case = CaseFactory(authority=authority)
    raw = addressed((MAIL_DIR / "talon_sparrow.eml").read_bytes(), [case.reply_address])
    process(store_raw(raw, "mta").pk)

    sign_in_to_dashboard(page, agent)
    downloaded = read_original(page, case.number, check=axe.assert_no_violations)
    assert page.get_by_text("On Apr 3, 2012, at 4:19 PM, bob wrote:").first.is_visible()
    assert downloaded == raw
