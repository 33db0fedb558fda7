"""The citizen's space on the platform as deployed (issue 15): a link opens the case page, the citizen
answers with a file, the agent sees it to process and replies, the citizen reads the reply; another case
is withdrawn; the public forms. Every page designed, no console, CSP or status error, and gunicorn's
access log never holds the link's secret."""

from cases.citizen import keys
from cases.models import MessageCase
from tests.e2e.browser import agent_writes_to_the_citizen, citizen_answers, citizen_withdraws, sign_in_to_dashboard
from tests.factories import CaseFactory
from tests.production.watch import ProblemWatch, assert_admin_page_styled, assert_public_page_styled
from tests.workspace_factories import PDF_BYTES

REPLY = "Nous avons relancé le service des crèches."


def test_a_citizen_answers_online_and_reads_the_reply(page, browser, production_server, authority, agent):
    case = CaseFactory(authority=authority, citizen__email="camille@exemple.fr", citizen__first_name="Camille")
    secret = keys.issue_link(case, "camille@exemple.fr")
    page.goto(f"/suivi/acces/{secret}/")
    page.wait_for_url("**/suivi/dossier/")
    assert_public_page_styled(page)
    assert page.get_by_role("heading", name=f"Dossier n°{case.number}").is_visible()

    files = [{"name": "avis.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    citizen_answers(page, "Voici l'avis de refus.", files, check=assert_public_page_styled)
    page.wait_for_url("**/suivi/dossier/?envoye=1#messages")
    assert_public_page_styled(page)
    assert page.get_by_text("Voici l'avis de refus.").is_visible()
    assert MessageCase.objects.get(case=case, message__direction="in").processed is False

    context = browser.new_context(base_url=production_server.url, locale="fr-FR")
    desk = context.new_page()
    desk.set_default_timeout(15_000)
    desk.watch = ProblemWatch()
    desk.watch.listen(desk)
    sign_in_to_dashboard(desk, agent)
    desk.goto(f"/admin/dossiers/{case.number}/")
    assert_admin_page_styled(desk)
    assert "Voici l'avis de refus." in desk.locator("#fil-section").inner_text()
    agent_writes_to_the_citizen(desk, case.number, "Votre avis", REPLY)
    context.close()
    assert not desk.watch.problems, "\n".join(desk.watch.problems)

    page.goto("/suivi/dossier/")
    assert page.get_by_text(REPLY).is_visible()
    log = production_server.log.read_text(errors="replace")
    assert secret not in log and "/suivi/acces/[masqué]/" in log


def test_a_citizen_withdraws_and_the_public_forms_are_designed(page, authority, agent):
    case = CaseFactory(authority=authority, citizen__email="camille@exemple.fr")
    page.watch.expect_status("/suivi/dossier/", 404)
    page.goto("/suivi/dossier/")
    assert_public_page_styled(page)
    page.get_by_role("link", name="Retrouver mon dossier").click()
    page.wait_for_url("**/suivi/retrouver/")
    assert_public_page_styled(page)
    page.fill("#id_number", str(case.number))
    page.fill("#id_email", "camille@exemple.fr")
    page.get_by_role("button", name="Recevoir un lien").click()
    page.wait_for_selector("text=Demande enregistrée")
    page.goto("/suivi/code/")
    assert_public_page_styled(page)

    page.goto(f"/suivi/acces/{keys.issue_link(case, 'camille@exemple.fr')}/")
    page.wait_for_url("**/suivi/dossier/")
    citizen_withdraws(page, "Le problème est réglé.", check=assert_public_page_styled)
    case.refresh_from_db()
    assert case.closed_at is not None and case.outcome == "citizen_waiver"
