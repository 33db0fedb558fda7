"""The annual activity report (issue 13, item 6): a main agent's introduction and an authority's civil year as
a PDF, built in the background, found in « Mes exports »; six roles on its page; no citizen in it."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from authorities.models import Role
from cases.insight import export, report
from cases.insight.models import Job, Kind, State
from cases.models import Case
from tests.conftest import member_of
from tests.factories import CaseFactory
from tests.test_case_access_matrix import sign_in
from tests.test_insight_access import ROLES, assert_login_or_404, client_of
from tests.workspace_factories import fast_passwords  # noqa: F401

URL = reverse("insight_report")
YEAR = 2025


@pytest.fixture
def year_of_cases(authority):
    for month in (3, 3, 5):
        case = CaseFactory(authority=authority, citizen__last_name="Kerguelen", citizen__email="kerguelen@exemple.fr")
        Case.objects.filter(pk=case.pk).update(created_at=datetime.datetime(YEAR, month, 10, 10, tzinfo=datetime.UTC))


@pytest.fixture
def anonymous():
    return None


@pytest.fixture
def uncompressed(monkeypatch):
    """Page streams left readable, to find the report's text in its bytes."""
    monkeypatch.setattr(report, "COMPRESSION", 0)


def test_a_main_agent_asks_for_the_report_and_gets_the_pdf(
    client, authority, main_agent, year_of_cases, committed, uncompressed
):
    sign_in(client, main_agent)
    with committed():
        response = client.post(
            URL, {"collectivite": authority.pk, "annee": YEAR, "introduction": "Une annee de mediation au service."}
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response.headers["Location"] == reverse("insight_job", args=[job.pk])
    assert (job.kind, job.state, job.year, job.authority, job.done) == (Kind.REPORT, State.READY, YEAR, authority, 3)
    data = b"".join(export.file_parts(job))
    assert data.startswith(b"%PDF")
    for text in (b"Une annee de mediation au service.", b"Chiffres cl", b"Demandes re", b"Transmissions"):
        assert text in data, text
    assert b"Kerguelen" not in data and b"kerguelen" not in data
    assert job.file_name == f"rapport-activite-demo-{YEAR}.pdf"
    download = client.get(reverse("insight_job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert [email.subject for email in mail.outbox if email.to == [main_agent.email]] == [
        "Votre rapport annuel est prêt"
    ]
    # The introduction is offered again for the next report of that authority and year.
    assert report.last_introduction(authority, YEAR) == "Une annee de mediation au service."


def test_the_form_prefills_last_introduction(client, authority, main_agent):
    Job.objects.create(
        user=main_agent,
        kind=Kind.REPORT,
        authority=authority,
        year=datetime.date.today().year - 1,
        introduction="Texte de l'an dernier",
        label="x",
    )
    sign_in(client, main_agent)
    assert "Texte de l&#x27;an dernier" in client.get(URL).content.decode()


def test_a_main_agent_of_another_authority_cannot_ask_for_its_report(client, authority, other_authority):
    other_main = member_of(other_authority, Role.MAIN_AGENT)
    sign_in(client, other_main)
    response = client.post(URL, {"collectivite": authority.pk, "annee": YEAR, "introduction": ""})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    assert not Job.objects.exists()
    with pytest.raises(Exception, match="Collectivité introuvable"):
        report.start_report(other_main, authority, YEAR, "")


@pytest.mark.parametrize("role", ROLES)
def test_report_page(client, request, authority, role):
    response = client_of(client, request, role).get(URL)
    if role in ("platform_admin", "main_agent"):
        assert response.status_code == 200
    else:
        assert_login_or_404(response, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["insight_job", "insight_job_download"])
def test_a_report_is_its_owners_alone(client, request, authority, main_agent, year_of_cases, role, name):
    job = report.start_report(main_agent, authority, YEAR, "")
    export.run(job.pk)
    response = client_of(client, request, role).get(reverse(name, args=[job.pk]))
    if role == "main_agent":
        assert response.status_code == 200
    else:
        assert_login_or_404(response, role)
