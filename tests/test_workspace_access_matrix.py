"""Access matrix over the workspace URLs of issue #3 items 1, 2, 8 and 9 (the case page has its own matrix).

Rows: main agent and agent of the case's authority, agent of another authority,
editor of the case's authority, platform admin who is a member nowhere, anonymous.
Case data never reaches anyone but the agents of the case's authority.
"""

import pytest
from django.urls import reverse

from cases.models import Case, Domain
from tests.factories import CaseFactory

ROLES = ["main_agent", "agent", "other_agent", "editor", "platform_admin", "anonymous"]
CASE_READERS = {"main_agent", "agent"}
LOGIN = "/admin/login/"


@pytest.fixture
def case(authority, committed):
    with committed():
        case = CaseFactory(authority=authority, description="Nuisances sonores du chantier voisin")
        case.citizen.last_name = "Zébulon"
        case.citizen.save()
    return case


@pytest.fixture
def user_for(request, client):
    def login(role):
        if role == "anonymous":
            return None
        user = request.getfixturevalue(role)
        client.force_login(user)
        return user

    return login


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "params", [{}, {"vue": "non-assignes"}, {"q": "__number__"}, {"q": "Zébulon"}, {"q": "chantier"}]
)
def test_case_index_and_search(client, user_for, role, case, other_agent, params):
    user_for(role)
    params = {key: str(case.number) if value == "__number__" else value for key, value in params.items()}
    response = client.get("/admin/dossiers/", params)
    if role == "anonymous":
        assert_login_redirect(response)
    elif role in ("editor", "platform_admin"):
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        listed = {row.number for row in response.context["object_list"]}
        assert (case.number in listed) is (role in CASE_READERS)
        assert (case.citizen.full_name in response.content.decode()) is (role in CASE_READERS)


@pytest.mark.parametrize("role", ROLES)
def test_intake(client, user_for, role, authority, other_agent):
    user_for(role)
    response = client.get("/admin/dossiers/nouveau/")
    if role == "anonymous":
        assert_login_redirect(response)
        return
    assert response.status_code == (404 if role in ("editor", "platform_admin") else 200)
    data = {
        "authority": authority.pk,
        "channel": "phone",
        "originator": "citizen",
        "first_name": "Ana",
        "last_name": "Lys",
        "email": "ana@exemple.fr",
        "phone_pays": "FR",
        "description": "Demande",
    }
    response = client.post("/admin/dossiers/nouveau/", data)
    assert Case.objects.filter(authority=authority).exists() is (role in CASE_READERS)


@pytest.mark.parametrize("role", ROLES)
def test_link_form_of_the_editors(client, user_for, role, authority, other_agent):
    """The Draftail link form of notes and messages holds no data, yet serves agents only."""
    user_for(role)
    url = reverse("case_link_chooser")
    for response in (client.get(url), client.post(url, {"case-link-url": "https://exemple.fr/"})):
        if role == "anonymous":
            assert_login_redirect(response)
        else:
            assert response.status_code == (404 if role in ("editor", "platform_admin") else 200)


@pytest.mark.parametrize("role", ROLES)
def test_dashboard(client, user_for, role, case, other_agent):
    user_for(role)
    response = client.get("/admin/")
    if role == "anonymous":
        assert_login_redirect(response)
        return
    assert response.status_code == 200
    assert (case.label in response.content.decode()) is (role in CASE_READERS)


@pytest.mark.parametrize("role", ROLES)
def test_case_links_only_in_the_readers_index(client, user_for, role, case, other_agent):
    """The case page URL itself belongs to the case page's matrix; here: it is never shown to anyone else."""
    user_for(role)
    content = client.get("/admin/dossiers/").content.decode() + client.get("/admin/").content.decode()
    assert (reverse("case:detail", args=[case.number]) in content) is (role in CASE_READERS)


@pytest.mark.parametrize("role", ROLES)
def test_lists(client, user_for, role, authority, other_agent):
    own = Domain.objects.create(name="Test — matrice", authority=authority)
    platform = Domain.objects.create(name="Test — matrice plateforme")
    user_for(role)
    index = client.get("/admin/listes/domaines/")
    edit_own = client.get(f"/admin/listes/domaines/edit/{own.pk}/")
    edit_platform = client.get(f"/admin/listes/domaines/edit/{platform.pk}/")
    create = client.get("/admin/listes/domaines/create/")
    if role == "anonymous":
        for response in (index, edit_own, edit_platform, create):
            assert_login_redirect(response)
        return
    expected = {
        # role: (index, edit own authority's item, edit platform item, create)
        "main_agent": (200, 200, 302, 200),
        "agent": (200, 302, 302, 302),
        "other_agent": (200, 404, 302, 302),
        "editor": (302, 404, 302, 302),
        "platform_admin": (200, 302, 200, 200),
    }[role]
    assert (index.status_code, edit_own.status_code, edit_platform.status_code, create.status_code) == expected
