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
    "params", [{}, {"mediateur": "aucun"}, {"q": "__number__"}, {"q": "Zébulon"}, {"q": "chantier"}]
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


@pytest.mark.parametrize("role", ROLES)
def test_bulk_actions(client, user_for, role, case, other_agent):
    """Only the case's agents change it; another authority's agent is refused whole, without its data."""
    from cases.models import MessageCase
    from tests.test_bulk_actions import inbound

    inbound(case)
    user_for(role)
    data = {"dossiers": [case.number], "action": "traites", "next": "/admin/dossiers/"}
    preview = client.post("/admin/dossiers/actions/", data)
    response = client.post("/admin/dossiers/actions/", data | {"confirm": "1"})
    processed = not MessageCase.objects.filter(case=case, processed=False).exists()
    if role == "anonymous":
        assert_login_redirect(preview)
        assert_login_redirect(response)
    elif role in ("editor", "platform_admin"):
        assert (preview.status_code, response.status_code) == (404, 404)
    elif role in CASE_READERS:
        assert preview.status_code == 200 and case.citizen.full_name in preview.content.decode()
        assert response.status_code == 302
    else:
        assert (preview.status_code, response.status_code) == (302, 302)
        assert case.citizen.full_name not in client.get(preview.url).content.decode()
    assert processed is (role in CASE_READERS)


@pytest.mark.parametrize("role", ROLES)
def test_saving_a_view(client, user_for, role, authority, other_agent):
    from cases.workspace.models import SavedView

    user = user_for(role)
    response = client.post("/admin/dossiers/vues/", {"name": "Ma vue", "query": "mediateur=moi"})
    if role == "anonymous":
        assert_login_redirect(response)
    else:
        assert response.status_code == (404 if role in ("editor", "platform_admin") else 302)
    saved = SavedView.objects.filter(name="Ma vue")
    assert saved.exists() is (role in {"main_agent", "agent", "other_agent"})
    if saved.exists():
        assert saved.get().owner == user


@pytest.mark.parametrize("role", ROLES)
def test_deleting_a_shared_view(client, user_for, role, authority, other_agent):
    """A view shared with the authority: its main agent deletes it, its agents may not, others get 404."""
    from cases.workspace.models import SavedView

    view = SavedView.objects.create(name="Vue de l'équipe", query="mediateur=aucun", authority=authority)
    user_for(role)
    response = client.post(reverse("case_saved_view_delete", args=[view.pk]))
    if role == "anonymous":
        assert_login_redirect(response)
    else:
        assert response.status_code == (302 if role in CASE_READERS else 404)
    assert SavedView.objects.filter(pk=view.pk).exists() is (role != "main_agent")
