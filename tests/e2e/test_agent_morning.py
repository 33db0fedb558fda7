"""An agent's morning (issue 11): a citizen's reply arrives overnight and emails the assignee; the dashboard and
the menu show it; the agent triages with the keyboard (j / k between cases, a to take one), answers with r
and a reply template,
notes with n in the thread, saves status and due date together; axe on every page, and the case page at
1440×900 shows the latest messages and the facts without scrolling (screenshot kept under the test's tmp dir).

Then, on the index, three unassigned cases are taken at once (a bulk assignment, one confirmation)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from cases.choices import Status
from cases.models import Case, Message, MessageCase, Note
from cases.notify import service
from cases.replies.models import ReplyTemplate
from tests.e2e.browser import agents_morning, sign_in_to_dashboard, triage_and_bulk_assign
from tests.factories import CaseFactory
from tests.test_notifications import CITIZEN, answer
from tests.test_reply_templates import BODY as TEMPLATE_BODY

pytestmark = pytest.mark.django_db(transaction=True)


def in_view(page, selector: str) -> bool:
    """The element's top is within the 900-pixel window, nothing scrolled."""
    box = page.locator(selector).first.bounding_box()
    return box is not None and 0 <= box["y"] < 900 and box["x"] + 10 < 1440


def test_an_agents_morning(page, axe, authority, agent, mail_settings, tmp_path):
    replied = CaseFactory(authority=authority, assignee=agent, citizen__email=CITIZEN, citizen__first_name="Camille")
    other = CaseFactory(authority=authority, due_date=timezone.localdate() + datetime.timedelta(days=30))
    CaseFactory(authority=authority, due_date=timezone.localdate() + datetime.timedelta(days=60))
    reply = answer(replied, "Voici ma facture du 3 mars.")
    service.send_pending(agent.pk)  # what the delayed task does three minutes later
    assert [email.to for email in mail.outbox if "réponse" in email.subject] == [[agent.email]]

    ReplyTemplate.objects.create(authority=authority, title="Accusé de réception", body=TEMPLATE_BODY)
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in_to_dashboard(page, agent)
    axe.assert_no_violations(page)
    assert page.get_by_text("À traiter (1)").first.is_visible()

    def check(page) -> None:
        axe.assert_no_violations(page)
        assert [error for error in page.console_errors if "gravatar.com" not in error] == []

    page.goto(f"/admin/dossiers/{replied.number}/")
    assert in_view(page, f"#message-{reply.pk}"), "the newest message without scrolling"
    assert in_view(page, "form.case-facts-form button"), "the facts and their save button without scrolling"
    page.screenshot(path=str(tmp_path / "case-1440x900.png"))
    page.keyboard.press("Shift+?")
    dialog = page.get_by_role("dialog")
    assert "Dossier suivant de la liste" in dialog.inner_text()
    axe.assert_no_violations(page)
    page.keyboard.press("Escape")

    agents_morning(page, replied, other, "Accusé de réception", check)
    waiting = CaseFactory.create_batch(3, authority=authority, due_date=timezone.localdate())  # new this morning
    triage_and_bulk_assign(page, [case.number for case in waiting], check)

    assert Case.objects.get(pk=other.pk).assignee == agent
    assert [case.assignee for case in Case.objects.filter(pk__in=[case.pk for case in waiting])] == [agent] * 3
    assert MessageCase.objects.get(case=replied, message=reply).processed is True
    sent = Message.objects.get(case_links__case=replied, direction=Message.Direction.OUT, sent_by=agent)
    assert f"Votre dossier n°{replied.number} est suivi par" in sent.content_html
    assert "montant.j" in Note.objects.get(case=replied).content
    saved = Case.objects.get(pk=replied.pk)
    assert (saved.status, saved.due_date) == (Status.WAITING_FOR_ADMINISTRATION, datetime.date(2099, 1, 15))
