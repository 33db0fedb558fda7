"""A main agent answers a subject request as deployed: legal hold on a case, the person's cases found, their
data downloaded as a ZIP (served as an attachment), the erasure refused while the hold stands, then done;
the audit log's page then shows what was done to the case, filtered by its number."""

import zipfile

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cases.choices import Outcome, Status
from cases.models import Case
from tests.e2e.browser import sign_in_to_dashboard
from tests.factories import CaseFactory
from tests.production.watch import assert_admin_page_styled

EMAIL = "jeanne.martin@exemple.fr"


def test_a_main_agent_exports_then_erases_a_person_s_data(page, authority, main_agent):
    case = CaseFactory(authority=authority, citizen__first_name="Jeanne", citizen__last_name="Martin")
    case.citizen.email = EMAIL
    case.citizen.save()
    Case.objects.filter(pk=case.pk).update(
        closed_at=timezone.now() - relativedelta(months=3), status=Status.CLOSED, outcome=Outcome.values[0]
    )

    sign_in_to_dashboard(page, main_agent)
    page.goto(f"/admin/dossiers/{case.number}/conservation/")
    assert_admin_page_styled(page)
    page.fill("#id_reason", "Recours devant le tribunal administratif")
    page.get_by_role("button", name="Placer sous conservation légale").click()
    page.wait_for_url(f"**/admin/dossiers/{case.number}/")

    page.goto("/admin/dossiers/anonymisation/")
    assert_admin_page_styled(page)
    page.goto("/admin/dossiers/demandes-rgpd/")
    assert_admin_page_styled(page)
    page.fill("#id_q", EMAIL)
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("heading", name=f"1 dossier pour « {EMAIL} »").wait_for()
    assert_admin_page_styled(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporter les données (ZIP)").click()
    archive = zipfile.ZipFile(download.value.path())
    assert f"dossier-{case.number}/synthese-dossier-{case.number}.pdf" in archive.namelist()

    page.get_by_role("link", name="Effacer les données…").click()
    page.get_by_text(f"Dossier n°{case.number} sous conservation légale").wait_for()
    assert_admin_page_styled(page)
    assert Case.objects.get(pk=case.pk).anonymised_at is None

    page.goto(f"/admin/dossiers/{case.number}/conservation/")
    page.get_by_role("button", name="Lever la conservation légale").click()
    page.wait_for_url(f"**/admin/dossiers/{case.number}/")
    page.goto(f"/admin/dossiers/demandes-rgpd/effacement/?q={EMAIL}")
    page.get_by_role("button", name="Effacer définitivement (1 dossier)").click()
    page.get_by_text("1 dossier(s) anonymisé(s)").wait_for()
    assert Case.objects.get(pk=case.pk).anonymised_at is not None

    page.goto("/admin/journal-audit/")
    assert_admin_page_styled(page)
    page.fill("#id_dossier", str(case.number))
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(f"**/admin/journal-audit/?*dossier={case.number}*")
    assert_admin_page_styled(page)
    for action in (
        "Conservation légale décidée",
        "Export téléchargé",
        "Conservation légale levée",
        "Dossier anonymisé",
    ):
        page.get_by_role("cell", name=action, exact=True).first.wait_for()
    assert EMAIL not in page.content()
