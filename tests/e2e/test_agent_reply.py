"""Email in and out in a real browser (issue #4): an agent writes to the citizen from the case page, the
citizen's answer comes back through the mail server pipe (`manage.py receive_email`), shows "À traiter",
and the agent marks it processed. axe-core checks the case page and the compose page."""

import re
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.core import mail
from django.utils import timezone

from cases.models import Message, MessageCase
from tests.e2e.browser import draftail, sign_in_to_dashboard, wait_for_draftail_save
from tests.factories import CaseFactory
from tests.mailbox import pipe

pytestmark = pytest.mark.django_db(transaction=True)

CITIZEN = "camille.martin@exemple.fr"


def citizen_answer(case, sent: Message) -> bytes:
    """What Camille's mail client sends when she answers the email: our Message-ID in In-Reply-To."""
    answer = EmailMessage()
    answer["From"] = f"Camille Martin <{CITIZEN}>"
    answer["To"] = f"Le médiateur <{case.reply_address}>"
    answer["Subject"] = "Re: Nouveau message pour votre dossier"
    answer["Date"] = format_datetime(timezone.now())
    answer["Message-ID"] = make_msgid("camille", "exemple.fr")
    answer["In-Reply-To"] = sent.message_id
    answer["References"] = sent.message_id
    answer.set_content(
        "Bonjour,\n\nLa facture date du 3 mars, je vous l'envoie demain.\n\nCamille Martin\n\n"
        f"Le 12/03/2024 à 10:15, Le médiateur <{case.reply_address}> a écrit :\n"
        "> Pourriez-vous préciser la date de la facture ?\n"
    )
    return answer.as_bytes()


def test_agent_replies_and_the_citizens_answer_comes_back_to_process(page, axe, authority, agent, mail_settings):
    case = CaseFactory(authority=authority, citizen__email=CITIZEN, citizen__first_name="Camille")
    sign_in_to_dashboard(page, agent)
    page.goto(f"/admin/dossiers/{case.number}/")
    assert "à traiter" not in page.locator("#fil-section").inner_text().lower()
    axe.assert_no_violations(page)

    page.goto(f"/admin/dossiers/{case.number}/messages/nouveau/")
    assert page.input_value("#id_to") == CITIZEN
    axe.assert_no_violations(page)
    page.fill("#id_to", "")
    page.get_by_role("button", name=re.compile(f"^{re.escape(CITIZEN)}")).click()  # a suggested address
    assert page.input_value("#id_to") == CITIZEN
    page.fill("#id_subject", "Date de votre facture")
    body = draftail(page, "id_body").get_by_role("textbox", name="Message")
    body.click()
    page.keyboard.type("Bonjour Madame Martin,")
    page.keyboard.press("Enter")
    page.keyboard.type("Pourriez-vous préciser la date de la facture ? Voir le barème.")
    page.keyboard.press("ArrowLeft")
    for _ in "barème":
        page.keyboard.press("Shift+ArrowLeft")
    draftail(page, "id_body").get_by_role("toolbar").get_by_role("button", name=re.compile("^Lien")).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("heading", name="Ajouter un lien").wait_for()  # our link form, not Wagtail's page chooser
    assert dialog.get_by_text("Lien interne").count() == 0
    dialog.get_by_label("Adresse du lien").fill("https://www.service-public.fr/bareme")
    dialog.get_by_role("button", name="Insérer le lien").click()
    wait_for_draftail_save(page, "id_body", "https://www.service-public.fr/bareme")
    page.reload()  # the draft is kept in the tab (sessionStorage), as in the original
    assert page.input_value("#id_subject") == "Date de votre facture"
    assert "Pourriez-vous" in draftail(page, "id_body").get_by_role("textbox", name="Message").inner_text()
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url(re.compile(rf"/admin/dossiers/{case.number}/#fil-section$"))
    assert page.get_by_text("Message envoyé.").is_visible()

    sent = Message.objects.get(direction=Message.Direction.OUT, case_links__case=case)
    assert sent.status == Message.State.SENT and sent.sent_by == agent
    [email] = mail.outbox
    assert email.to == [CITIZEN]
    assert email.reply_to == [case.reply_address]
    assert email.extra_headers["Message-ID"] == sent.message_id
    assert "Pourriez-vous préciser la date de la facture ?" in email.body
    assert sent.content_html == (
        "<p>Bonjour Madame Martin,</p><p>Pourriez-vous préciser la date de la facture ? Voir le "
        '<a href="https://www.service-public.fr/bareme" rel="noopener noreferrer nofollow">barème</a>.</p>'
    )
    every = page.locator("#fil-section")
    card = every.locator(f"[data-message='{sent.pk}']")
    assert f"Envoyé à {CITIZEN}" in card.inner_text()
    assert card.locator(".w-status", has_text="Envoyé").is_visible()
    assert "Date de votre facture" in card.inner_text()

    pipe(citizen_answer(case, sent), "--sender", CITIZEN, "--recipient", case.reply_address)
    answer = Message.objects.get(direction=Message.Direction.IN, case_links__case=case)
    assert MessageCase.objects.get(case=case, message=answer).processed is False

    page.reload()
    thread = page.locator("#fil-section")
    assert "1 message à traiter" in thread.inner_text().lower()  # a Wagtail status, in capitals
    answer_card = thread.locator(f"[data-message='{answer.pk}']")
    assert f"Reçu de Camille Martin <{CITIZEN}>" in answer_card.inner_text()
    assert "La facture date du 3 mars" in answer_card.inner_text()
    assert "Pourriez-vous préciser" not in answer_card.locator(".case-message-body").first.inner_text(), (
        "quote stripped"
    )
    assert answer_card.locator(".w-status", has_text="À traiter").is_visible()
    axe.assert_no_violations(page)

    answer_card.get_by_role("button", name="Marquer comme traité").click()
    page.wait_for_selector("text=Message marqué comme traité.")
    assert MessageCase.objects.get(case=case, message=answer).processed is True
    assert "message à traiter" not in page.locator("#fil-section").inner_text().lower()
    assert every.locator(f"[data-message='{answer.pk}']").count() == 1
    assert every.locator(f"[data-message='{answer.pk}']").get_by_role("button", name="Marquer à traiter").is_visible()

    every.locator(f"[data-message='{answer.pk}']").get_by_role("link", name=re.compile("^Répondre")).click()
    page.wait_for_url(f"**/messages/nouveau/?reply_to={answer.pk}")
    assert page.input_value("#id_to") == CITIZEN
    assert page.input_value("#id_subject") == "Date de votre facture", "the thread's subject, no « Re: »"
    page.goto(f"/admin/dossiers/{case.number}/messages/nouveau/")
    assert page.input_value("#id_subject") == "", "the draft went with the message it became"
    assert page.console_errors == []
