"""The citizen follows and answers their case online, on a phone (issue 15).

Submit the request → the acknowledgement email → its « Suivre mon dossier » link → the status page →
an answer with a file (a refused file first: the text and the accepted file stay) → the agent sees it to
process → the agent replies → the citizen reads the reply. Another case is withdrawn. axe-core checks
every page of the citizen's space, and the link's secret is never in a URL the browser lands on nor
in any header it sends afterwards (Referer included).
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from cases.choices import Outcome
from cases.citizen import keys
from cases.models import Case, MessageCase
from tests.e2e.browser import agent_writes_to_the_citizen, citizen_answers, citizen_withdraws, sign_in_to_dashboard
from tests.factories import CaseFactory
from tests.workspace_factories import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
CITIZEN = "camille.martin@exemple.fr"
REPLY = "Merci, je contacte la direction de la petite enfance."


def phone_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on("console", lambda message: page.console_errors.append(message.text) if message.type == "error" else None)
    page.sent_headers = []
    page.on("request", lambda request: page.sent_headers.append((request.url, request.headers)))
    return page


def follow_link(email) -> str:
    """The path of the email's « Suivre mon dossier » link (its host is SITE_URL's, not the live server's)."""
    url = re.search(r"https?://\S+/suivi/acces/[^/\s]+/", email.body).group(0)
    return urlsplit(url).path


def assert_secret_never_sent_again(page, path: str) -> None:
    secret = path.rstrip("/").rsplit("/", 1)[1]
    after = [(url, headers) for url, headers in page.sent_headers if secret not in url]
    assert len(after) == len(page.sent_headers) - 1, "only the link's own navigation carries it"
    for url, headers in after:
        assert secret not in " ".join(headers.values()), url
    assert secret not in page.url


def test_a_citizen_follows_answers_and_reads_the_reply_on_a_phone(
    browser, live_server, axe, authority, agent, mail_settings
):
    page = phone_page(browser, live_server)
    page.goto("/demo/faire-une-demande/")
    page.fill("#id_first_name", "Camille")
    page.fill("#id_last_name", "Martin")
    page.fill("#id_email", CITIZEN)
    page.fill("#id_description", "Ma demande de place en crèche est sans réponse depuis six mois.")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url("**/merci/")
    case = Case.objects.get()
    [acknowledgement] = mail.outbox
    assert acknowledgement.subject == f"Dossier n°{case.number} — Demande de médiation reçue"

    path = follow_link(acknowledgement)
    page.goto(path)
    page.wait_for_url("**/suivi/dossier/")
    assert page.get_by_role("heading", name=f"Dossier n°{case.number}").is_visible()
    assert page.get_by_text("Votre demande a bien été reçue").is_visible()
    axe.assert_no_violations(page)

    files = [
        {"name": "avis.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
        {"name": "outil.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00binaire"},
    ]
    citizen_answers(page, "Voici l'avis de refus de la crèche.", files, check=axe.assert_no_violations)
    page.wait_for_selector("#form-errors")
    assert page.input_value("#id_text") == "Voici l'avis de refus de la crèche."
    assert page.get_by_text("Retirer « avis.pdf »").is_visible()  # the accepted file stays
    axe.assert_no_violations(page)
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.wait_for_url("**/suivi/dossier/?envoye=1#messages")
    assert page.get_by_text("Voici l'avis de refus de la crèche.").is_visible()
    assert page.get_by_role("link", name=re.compile("avis.pdf")).is_visible()
    axe.assert_no_violations(page)

    agent_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    desk = agent_context.new_page()
    sign_in_to_dashboard(desk, agent)
    desk.goto(f"/admin/dossiers/{case.number}/")
    thread = desk.locator("#fil-section")
    assert "1 message à traiter" in thread.inner_text().lower() and "Voici l'avis de refus" in thread.inner_text()
    assert MessageCase.objects.get(case=case, message__direction="in").processed is False
    assert "dernière visite le" in desk.locator("#suivi-en-ligne-section").inner_text()
    agent_writes_to_the_citizen(desk, case.number, "Votre avis de refus", REPLY)
    agent_context.close()

    page.goto("/suivi/dossier/")
    assert page.get_by_text(REPLY).is_visible()
    assert agent.email not in page.content()
    axe.assert_no_violations(page)
    assert_secret_never_sent_again(page, path)
    assert page.console_errors == []
    page.context.close()


def test_a_citizen_withdraws_another_case_and_every_public_page_passes_axe(
    browser, live_server, axe, authority, agent, mail_settings
):
    case = CaseFactory(authority=authority, citizen__email=CITIZEN, citizen__first_name="Camille")
    page = phone_page(browser, live_server)
    page.goto("/suivi/dossier/")  # no session: the refusal page
    assert page.get_by_role("heading", name="Ce lien ne permet pas d'ouvrir un dossier").is_visible()
    axe.assert_no_violations(page)
    page.get_by_role("link", name="Retrouver mon dossier").click()
    page.wait_for_url("**/suivi/retrouver/")
    axe.assert_no_violations(page)
    page.get_by_role("button", name="Recevoir un lien").click()  # nothing typed: the errors
    axe.assert_no_violations(page)
    page.fill("#id_number", str(case.number))
    page.fill("#id_email", CITIZEN)
    page.get_by_role("button", name="Recevoir un lien").click()
    page.wait_for_selector("text=Demande enregistrée")
    axe.assert_no_violations(page)
    page.goto("/suivi/code/")
    axe.assert_no_violations(page)
    page.fill("#id_number", str(case.number))
    page.fill("#id_code", "AAAA-BBBB-CCCC-DDDD")
    page.get_by_role("button", name="Ouvrir mon dossier").click()
    page.wait_for_selector("#form-errors")
    axe.assert_no_violations(page)

    page.goto(f"/suivi/acces/{keys.issue_link(case, CITIZEN)}/")
    page.wait_for_url("**/suivi/dossier/")
    citizen_withdraws(page, "L'administration m'a répondu entre-temps.", check=axe.assert_no_violations)
    assert page.get_by_text("Vous avez renoncé à la médiation.").is_visible()
    case.refresh_from_db()
    assert case.outcome == Outcome.CITIZEN_WAIVER and case.closed_at
    assert any(email.to == [agent.email] and "a retiré sa demande" in email.subject for email in mail.outbox)
    page.get_by_role("button", name="Quitter le suivi de mon dossier").click()
    page.wait_for_url("**/suivi/retrouver/")
    page.goto("/suivi/dossier/")
    assert page.get_by_role("heading", name="Ce lien ne permet pas d'ouvrir un dossier").is_visible()
    assert [error for error in page.console_errors if "status of 404" not in error] == []  # the refusal is a 404
    page.context.close()
