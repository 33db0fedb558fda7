"""Who reaches what of the insight URLs (issue 13): six roles × the statistics page, each export URL, each
download and the annual report.

- platform_admin: every authority's figures (they are pseudonymised), its own exports and reports;
- main_agent_a, agent_a: their authority's; asking for B's is a 404;
- editor_a: no statistics at all (404), as any user without an agent membership;
- agent_b: B's figures only; A's (`?collectivite=`) are a 404, as are A's users' export files and reports;
- anonymous: sent to the login page.
"""

import pytest
from django.urls import reverse

from cases.insight import export
from cases.insight.figures import Filters
from cases.insight.models import Job, Kind
from cases.insight.scope import scope_for
from cases.models import Case
from tests.factories import CaseFactory
from tests.test_case_access_matrix import sign_in
from tests.test_insight_page import key
from tests.workspace_factories import fast_passwords  # noqa: F401

ROLES = ["platform_admin", "main_agent", "agent", "editor", "other_agent", "anonymous"]
READERS = {"platform_admin", "main_agent", "agent", "other_agent"}
STATISTICS = reverse("insight_statistics")


@pytest.fixture
def anonymous():
    return None


@pytest.fixture
def world(authority, other_authority):
    own = CaseFactory(authority=authority, citizen__city="Plouzané")
    other = CaseFactory(authority=other_authority, citizen__city="Bourg-Blanc")
    return {"own": own, "other": other}


def client_of(client, request, role: str):
    user = request.getfixturevalue(role)
    if user is not None:
        sign_in(client, user)
    return client


def assert_login_or_404(response, role: str) -> None:
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response.headers["Location"]
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_statistics_page(client, request, world, role):
    response = client_of(client, request, role).get(
        STATISTICS, {"periode": "plage", "du": "2000-01-01", "au": "2100-12-31"}
    )
    if role not in READERS:
        assert_login_or_404(response, role)
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert key(body, "Demandes reçues") == ("2" if role == "platform_admin" else "1")
    if role == "platform_admin":
        assert "Ville de Démo" in body and "Autre Ville" in body
    elif role == "other_agent":
        assert "Ville de Démo" not in body
    else:
        assert "Autre Ville" not in body


@pytest.mark.parametrize("role", ROLES)
def test_statistics_of_authority_a(client, request, world, authority, role):
    response = client_of(client, request, role).get(STATISTICS, {"collectivite": authority.pk})
    if role in {"platform_admin", "main_agent", "agent"}:
        assert response.status_code == 200
    else:
        assert_login_or_404(response, role)


@pytest.mark.parametrize("role", ROLES)
def test_statistics_refuse_posts(client, request, world, role):
    response = client_of(client, request, role).post(STATISTICS)
    assert response.status_code in (302, 404, 405)
    assert Case.objects.count() == 2


@pytest.fixture
def agents_export(world, agent):
    """A ready CSV export of A's agent."""
    job = export.start_export(agent, Kind.CSV, scope_for(agent), "Export de l'agent", None, Filters())
    export.run(job.pk)
    return Job.objects.get(pk=job.pk)


JOB_URLS = ("insight_job", "insight_job_state", "insight_job_download")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", JOB_URLS)
def test_an_export_is_its_owners_alone(client, request, agents_export, role, name):
    response = client_of(client, request, role).get(reverse(name, args=[agents_export.pk]))
    if role == "agent":
        assert response.status_code == 200
        return
    assert_login_or_404(response, role)
    assert b"Plouz" not in (b"".join(response.streaming_content) if response.streaming else response.content)


@pytest.mark.parametrize("role", ROLES)
def test_my_exports_lists_ones_own(client, request, agents_export, role):
    response = client_of(client, request, role).get(reverse("insight_jobs"))
    if role not in READERS:
        assert_login_or_404(response, role)
        return
    assert response.status_code == 200
    listed = reverse("insight_job_download", args=[agents_export.pk]) in response.content.decode()
    assert listed == (role == "agent")


@pytest.mark.parametrize("role", ROLES)
def test_starting_an_export(client, request, world, authority, role, committed):
    with committed():
        response = client_of(client, request, role).post(
            reverse("insight_export_start"), {"format": "csv", "collectivite": authority.pk}
        )
    if role in {"platform_admin", "main_agent", "agent"}:
        job = Job.objects.get()
        assert response.status_code == 302 and job.user == request.getfixturevalue(role)
        assert job.authority_ids == [authority.pk] and job.done == 1
    else:
        assert_login_or_404(response, role)
        assert not Job.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_starting_an_export_refuses_get(client, request, world, role):
    response = client_of(client, request, role).get(reverse("insight_export_start"))
    assert response.status_code in (302, 405) if role == "anonymous" else response.status_code == 405
    assert not Job.objects.exists()
