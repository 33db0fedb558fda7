"""The original of a received email on the platform as deployed: the whole email on the case page, the original's
page designed, the .eml downloaded byte for byte (no console, CSP or status error on the way)."""

from cases.mail.inbound import process, store_raw
from tests.e2e.browser import read_original, sign_in_to_dashboard
from tests.factories import CaseFactory
from tests.mailbox import MAIL_DIR, addressed
from tests.production.watch import assert_admin_page_styled


def test_an_agent_reads_the_whole_email_and_downloads_its_original(page, authority, agent, mail_settings):
    case = CaseFactory(authority=authority)
    raw = addressed((MAIL_DIR / "talon_sparrow.eml").read_bytes(), [case.reply_address])
    process(store_raw(raw, "mta").pk)

    sign_in_to_dashboard(page, agent)
    assert read_original(page, case.number, check=assert_admin_page_styled) == raw
