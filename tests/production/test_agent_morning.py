"""An agent's morning (issue 11) on the platform as deployed: the case page's keys (Wagtail's w-kbd, our
static case-page.js under the admin's CSP), the reply and note composers in place, the facts saved together,
then three cases taken at once on the index."""

import datetime

from django.utils import timezone

from cases.models import Case
from cases.replies.models import ReplyTemplate
from tests.e2e.browser import agents_morning, sign_in_to_dashboard, triage_and_bulk_assign
from tests.factories import CaseFactory
from tests.production.watch import assert_admin_page_styled
from tests.test_notifications import CITIZEN
from tests.test_reply_templates import BODY as TEMPLATE_BODY
from tests.workspace_factories import MessageFactory


def test_an_agents_morning(page, authority, agent):
    replied = CaseFactory(authority=authority, assignee=agent, citizen__email=CITIZEN)
    MessageFactory(cases=[replied], from_email=f"Camille Martin <{CITIZEN}>", text="Voici ma facture du 3 mars.")
    other = CaseFactory(authority=authority, due_date=timezone.localdate() + datetime.timedelta(days=30))
    ReplyTemplate.objects.create(authority=authority, title="Accusé de réception", body=TEMPLATE_BODY)
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in_to_dashboard(page, agent)
    assert_admin_page_styled(page)
    agents_morning(page, replied, other, "Accusé de réception", assert_admin_page_styled)
    waiting = CaseFactory.create_batch(3, authority=authority, due_date=timezone.localdate())  # new this morning
    triage_and_bulk_assign(page, [case.number for case in waiting], assert_admin_page_styled)
    assert set(Case.objects.filter(pk__in=[case.pk for case in waiting]).values_list("assignee", flat=True)) == {
        agent.pk
    }
