"""Steps the browser tests share (tests/e2e and tests/production)."""

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

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


def sign_in_with_two_factor(page, user) -> None:
    """Sign in a user whose two-factor is set up (a platform admin), typing the current code of their device."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    sign_in(page, user.email)
    page.wait_for_url("**/double-authentification/verifier/**")
    page.fill("#id_token", f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}")
    page.get_by_role("button", name="Valider").click()
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


ADDRESS_API_MUNICIPALITIES = {  # what api-adresse.data.gouv.fr answers for type=municipality (outside this machine)
    "bre": [("Brest", "29200", "29019"), ("Brech", "56400", "56023")],
    "29860": [("Plabennec", "29860", "29177"), ("Le Drennec", "29860", "29047"), ("Kersaint", "29830", "29104")],
}


def answer_like_the_address_api(page) -> list[dict]:
    """The national address API, answered in the browser from ADDRESS_API_MUNICIPALITIES; returns the queries."""
    from urllib.parse import parse_qs, urlsplit

    asked = []

    def answer(route):
        query = parse_qs(urlsplit(route.request.url).query)
        asked.append(query)
        found = ADDRESS_API_MUNICIPALITIES.get(query["q"][0].lower(), [])
        features = [
            {"properties": {"city": c, "postcode": p, "citycode": i, "type": "municipality"}} for c, p, i in found
        ]
        route.fulfill(json={"features": features})

    page.route("https://api-adresse.data.gouv.fr/**", answer)
    return asked


def pick_communes(page, authority) -> None:
    """A platform admin sets a city's communes on its form: one by name, those of a postal code, one removed."""
    page.goto(f"/admin/collectivites/edit/{authority.pk}/")
    search = page.get_by_label("Rechercher une commune")
    search.fill("Bre")
    page.locator("#commune-picker-suggestions option").first.wait_for(state="attached")
    search.fill("Brest (29200) — 29019")  # what choosing the suggestion types
    page.get_by_role("button", name="Retirer Brest (29200) — 29019").wait_for()
    page.get_by_text("Brest (29200) ajoutée").wait_for()
    search.fill("29860")
    options = page.locator("#commune-picker-suggestions option")
    options.and_(page.locator("[value^=Plabennec]")).wait_for(state="attached")
    labels = [options.nth(n).get_attribute("value") for n in range(options.count())]
    assert labels == ["Le Drennec (29860) — 29047", "Plabennec (29860) — 29177"]  # Kersaint: another postal code
    search.fill("Plabennec (29860)")  # a name typed, not chosen: Enter asks to choose
    search.press("Enter")
    page.get_by_text("Choisissez une commune parmi les suggestions.").wait_for()
    search.fill("Plabennec (29860) — 29177")
    page.get_by_role("button", name="Retirer 75056").click()  # a stored code, shown by its code
    assert page.input_value("#id_communes") == "29019, 29177"
    page.locator("form#w-editor-form button[type=submit]").first.click()
    page.wait_for_url("**/admin/collectivites/")


def open_statistics_of_year(page, year: int, check=lambda page: None) -> str:
    """From the admin menu, open « Statistiques » and choose a civil year; returns its per-month table's text."""
    page.get_by_role("button", name="Statistiques").click()
    page.get_by_role("link", name="Statistiques").click()
    page.wait_for_url("**/admin/statistiques/")
    page.wait_for_selector("#graphique-received")
    check(page)
    page.select_option("#id_periode", str(year))
    page.get_by_role("button", name="Afficher", exact=True).click()
    page.wait_for_url(f"**/admin/statistiques/?*periode={year}*")
    page.wait_for_selector("#graphique-received canvas")
    check(page)
    return page.locator("#graphique-received table").inner_text()


def export_and_download(page, run_job, check=lambda page: None) -> bytes:
    """Start a CSV export from the statistics page, watch its progress move to 100 %, download the file.

    `run_job(pk)` runs the queued job (the worker's part), once its page has shown it waiting."""
    page.get_by_role("button", name="Export CSV (.csv)").click()
    page.wait_for_url(re.compile(r"/admin/statistiques/exports/\d+/$"))
    page.wait_for_selector("text=En attente : 0 %")
    check(page)
    run_job(int(page.url.rstrip("/").rsplit("/", 1)[1]))
    page.wait_for_selector("text=Prêt : 100 %")
    assert page.locator("progress").get_attribute("value") == "100"
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le fichier").click()
    check(page)
    return Path(download.value.path()).read_bytes()


def citizen_answers(page, text: str, files: list[dict], check=lambda page: None) -> None:
    """On the citizen's case page (cases/citizen/), answer the mediator with `text` and `files`
    (Playwright's {name, mimeType, buffer}); lands back on the case page, the answer sent."""
    page.get_by_role("link", name="Répondre au médiateur").click()
    page.wait_for_url("**/suivi/dossier/repondre/")
    check(page)
    page.fill("#id_text", text)
    page.set_input_files("#id_files", files=files)
    page.get_by_role("button", name="Envoyer ma réponse").click()


def citizen_withdraws(page, reason: str, check=lambda page: None) -> None:
    """From the citizen's case page, withdraw the request: the reason, the confirmation, back on the page."""
    page.get_by_role("link", name="Retirer ma demande").click()
    page.wait_for_url("**/suivi/dossier/retirer/")
    check(page)
    page.fill("#id_reason", reason)
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_selector("text=Confirmez-vous le retrait de votre demande ?")
    check(page)
    page.get_by_role("button", name="Oui, retirer ma demande").click()
    page.wait_for_url("**/suivi/dossier/")
    page.get_by_text("Votre dossier est clôturé").wait_for()
    check(page)


def agent_writes_to_the_citizen(page, number: int, subject: str, text: str) -> None:
    """From the agent's compose page of the case, a message to the citizen (the page's default recipient)."""
    page.goto(f"/admin/dossiers/{number}/messages/nouveau/")
    page.fill("#id_subject", subject)
    draftail(page, "id_body").get_by_role("textbox", name="Message").click()
    page.keyboard.type(text)
    wait_for_draftail_save(page, "id_body", text[-12:])
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url(re.compile(rf"/admin/dossiers/{number}/#fil-section$"))


def read_original(page, number: int, check=lambda page: None) -> bytes:
    """From the case page, the received message's whole email behind « Afficher le message complet », then its
    original (every part, the headers) and the .eml it downloads, returned; `check` judges each page."""
    page.goto(f"/admin/dossiers/{number}/")
    check(page)
    page.get_by_text("Afficher le message complet").first.click()
    page.get_by_role("link", name=re.compile("Voir le message d'origine")).first.click()
    page.wait_for_url(f"**/admin/dossiers/{number}/messages/*/original/")
    page.get_by_role("heading", name=re.compile("Parties du message")).wait_for()
    check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le message d'origine (.eml)").click()
    with open(download.value.path(), "rb") as eml:
        return eml.read()


def open_public_statistics(page, url: str, year: int, check=lambda page: None) -> None:
    """A StatisticsPage of `year`, its chart drawn by @gouvfr/dsfr-chart (under the public pages' strict CSP)."""
    page.goto(url)
    page.select_option("#annee", str(year))
    page.get_by_role("button", name="Afficher", exact=True).click()
    page.wait_for_url(f"**annee={year}*")
    page.wait_for_selector("#graphique-received canvas")


def rows_on_screen(page) -> int:
    """How many case rows of the index are wholly inside the viewport, as the page first shows them."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-case-row]')].filter((row) => {
            const box = row.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }).length"""
    )


def triage_and_bulk_assign(page, numbers: list[int], check=lambda page: None) -> None:
    """On the case index: the unassigned cases by due date through the filters and a column header, then the
    cases `numbers` selected and assigned to oneself, confirmed once; `check` judges each page."""
    page.goto("/admin/dossiers/")
    check(page)
    page.get_by_label("Médiateur", exact=True).select_option(label="Non assigné")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/admin/dossiers/?mediateur=aucun")
    page.locator("thead").get_by_role("link", name=re.compile("^Échéance")).click()
    page.wait_for_url("**/admin/dossiers/?mediateur=aucun&tri=echeance")
    check(page)
    for number in numbers:
        page.get_by_label(f"Sélectionner le dossier n°{number}", exact=True).check()
    page.get_by_text(f"{len(numbers)} dossiers sélectionnés").wait_for()
    page.locator("#case-bulk").get_by_label("Action").select_option(label="Assigner")
    page.locator("#case-bulk").get_by_label("Assigner à").select_option(label="Moi")
    page.get_by_role("button", name="Appliquer à la sélection…").click()
    page.wait_for_url("**/admin/dossiers/actions/")
    check(page)
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/admin/dossiers/?mediateur=aucun&tri=echeance")
    page.get_by_text(f"M'assigner : {len(numbers)} dossiers modifiés.").wait_for()
    check(page)


def save_current_view(page, name: str, check=lambda page: None) -> None:
    """Save the index's current list under `name`; it comes back as the current tab."""
    page.get_by_text("Enregistrer cette vue").click()
    page.get_by_label("Nom de la vue").fill(name)
    page.locator(".case-save-view").get_by_role("button", name="Enregistrer").click()
    page.get_by_text(f"Vue « {name} » enregistrée").wait_for()
    check(page)


def agents_morning(page, replied, other, template: str, check=lambda page: None) -> None:
    """Issue 11's morning, from the dashboard: the agent opens the case with the citizen's new reply (`replied`,
    assigned to them), goes to the next case of the list with `j` and takes it with `a` (`other`, unassigned),
    comes back with `k`, opens the reply composer with `r` and answers with the reply template named `template`,
    adds a note with `n` in the thread, and saves the status and the due
    date together in the side column. `check` judges each page (axe, design)."""
    page.goto("/admin/")
    page.get_by_role("link", name=re.compile(f"Dossier n°{replied.number}|^{replied.number}$")).first.click()
    page.wait_for_url(f"**/admin/dossiers/{replied.number}/")
    check(page)
    page.keyboard.press("j")
    page.wait_for_url(f"**/admin/dossiers/{other.number}/")
    page.keyboard.press("a")
    page.wait_for_selector(f"text=Dossier n°{other.number} vous est assigné.")
    page.keyboard.press("k")
    page.wait_for_url(f"**/admin/dossiers/{replied.number}/")

    page.keyboard.press("r")  # the reply composer opens, the cursor in its editor
    draftail(page, "reply_body")
    page.wait_for_function("() => document.activeElement.isContentEditable")
    check(page)
    page.get_by_role("link", name="Écrire avec un modèle de réponse").click()  # the main agent's template
    page.wait_for_url(f"**/admin/dossiers/{replied.number}/messages/nouveau/?reply_to=*")
    page.select_option("#id_modele", label=template)
    page.get_by_role("button", name="Insérer le modèle").click()
    page.wait_for_url("**&modele=*")
    body = draftail(page, "id_body").get_by_role("textbox", name="Message")
    assert replied.citizen.full_name in body.inner_text() and f"n°{replied.number}" in body.inner_text()
    check(page)
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_selector("text=Message envoyé.")
    page.wait_for_selector("text=est marqué comme traité")

    page.keyboard.press("n")
    draftail(page, "id_content")
    page.wait_for_function("() => document.activeElement.isContentEditable")
    page.keyboard.type("Appel de la requérante : elle confirme le montant.")
    page.keyboard.press("j")  # typed in the editor: a letter, not a shortcut
    wait_for_draftail_save(page, "id_content", "montant.j")
    page.get_by_role("button", name="Enregistrer la note").click()
    page.wait_for_selector("text=Note ajoutée.")
    assert page.url.endswith(f"/admin/dossiers/{replied.number}/#fil-section")

    facts = page.locator("form.case-facts-form")
    facts.get_by_label("Avancement").select_option("waiting_for_administration")
    facts.get_by_label("Échéance").fill("2099-01-15")
    facts.get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector("text=Informations du dossier enregistrées.")
    check(page)


# Resolves when every finite CSS animation or transition on the page has finished (infinite ones are skipped).
SETTLE_ANIMATIONS = """Promise.all(
    document.getAnimations()
        .filter((animation) => animation.effect && animation.effect.getTiming().iterations !== Infinity)
        .map((animation) => animation.finished.catch(() => null))
)"""


class AxeChecker:
    def __init__(self) -> None:
        self.axe = Axe()

    def assert_no_violations(self, page) -> None:
        # Judge the page as people see it once settled, not halfway through a fade-in (colour contrast).
        page.evaluate(SETTLE_ANIMATIONS)
        results = self.axe.run(page)
        assert results.violations_count == 0, f"axe-core sur {page.url} :\n{results.generate_report()}"
