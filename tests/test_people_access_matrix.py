"""Access matrix: every admin and account URL of people-and-access, for each kind of user.

"ok": the page or action is served; "denied": 404, 403, or Wagtail's redirect to
the dashboard (permission denied); "login": anonymous users are sent to sign in.
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from authorities import invitations
from authorities.models import Role
from authorities.permissions import PLATFORM_ADMINS_GROUP
from tests.factories import AuthorityFactory, MembershipFactory, UserFactory

ACTORS = ["platform_admin", "main_agent", "agent", "editor", "other_main_agent", "anonymous"]
ADMIN_ONLY = {"platform_admin"}
TEAM_A = {"platform_admin", "main_agent"}
MAIN_AGENTS = {"platform_admin", "main_agent", "other_main_agent"}
MEMBERS = {"platform_admin", "main_agent", "agent", "editor", "other_main_agent"}
EVERYONE = set(ACTORS)


@pytest.fixture
def world(authority, main_agent, agent, editor, platform_admin):
    other = AuthorityFactory(name="Ville B", slug="ville-b")
    other_main_agent = MembershipFactory(authority=other, role=Role.MAIN_AGENT).user
    group_admin = UserFactory()
    group_admin.groups.add(Group.objects.get_or_create(name=PLATFORM_ADMINS_GROUP)[0])
    return {
        "users": {
            "platform_admin": platform_admin,
            "main_agent": main_agent,
            "agent": agent,
            "editor": editor,
            "other_main_agent": other_main_agent,
            "anonymous": None,
        },
        "a": authority,
        "agent_membership": agent.memberships.get(),
        "group_admin": group_admin,
        "issuer": platform_admin,
    }


def member_invitation(world):
    outcome = invitations.invite(
        email=f"invite{UserFactory._meta.model.objects.count()}@exemple.fr",
        role=Role.AGENT,
        authority=world["a"],
        issued_by=world["issuer"],
    )
    return outcome.invitation


def admin_invitation(world):
    count = UserFactory._meta.model.objects.count()
    return invitations.invite(
        email=f"admin{count}@exemple.fr", role="", authority=None, issued_by=world["issuer"]
    ).invitation


def cases(world):
    """(method, url builder, who gets "ok")."""
    a = world["a"].pk
    membership = world["agent_membership"].pk
    return [
        ("get", lambda: "/admin/collectivites/", MAIN_AGENTS),
        ("get", lambda: "/admin/collectivites/new/", ADMIN_ONLY),
        ("get", lambda: f"/admin/collectivites/edit/{a}/", TEAM_A),
        ("get", lambda: f"/admin/collectivites/history/{a}/", TEAM_A),
        ("get", lambda: "/admin/equipe/", MAIN_AGENTS),
        ("get", lambda: f"/admin/equipe/{a}/", TEAM_A),
        ("get", lambda: f"/admin/equipe/{a}/inviter/", TEAM_A),
        ("get", lambda: f"/admin/equipe/{a}/membres/{membership}/principal/", TEAM_A),
        ("get", lambda: f"/admin/equipe/{a}/membres/{membership}/retirer/", TEAM_A),
        ("get", lambda: f"/admin/equipe/{a}/membres/{membership}/double-authentification/", TEAM_A),
        ("post", lambda: f"/admin/equipe/{a}/invitations/{member_invitation(world).pk}/annuler/", TEAM_A),
        ("get", lambda: "/admin/administrateurs/", ADMIN_ONLY),
        ("get", lambda: "/admin/administrateurs/inviter/", ADMIN_ONLY),
        ("get", lambda: f"/admin/administrateurs/{world['group_admin'].pk}/revoquer/", ADMIN_ONLY),
        ("post", lambda: f"/admin/administrateurs/invitations/{admin_invitation(world).pk}/annuler/", ADMIN_ONLY),
        ("get", lambda: "/admin/double-authentification/", MEMBERS),
        ("get", lambda: "/admin/double-authentification/configurer/", MEMBERS),
        ("post", lambda: "/admin/double-authentification/codes-de-secours/", {"platform_admin"}),
        ("get", lambda: "/admin/account/", MEMBERS),
        ("get", lambda: "/admin/password_reset/", EVERYONE),
        ("get", lambda: "/admin/inscription/jeton-inconnu/", EVERYONE),
        ("get", lambda: "/admin/inscription/", EVERYONE),
    ]


def outcome(response) -> str:
    if response.status_code in (200, 410):
        return "ok"
    if response.status_code == 302:
        if response.url.startswith("/admin/login/"):
            return "login"
        return "denied" if response.url == "/admin/" else "ok"
    assert response.status_code in (403, 404, 405), response.status_code
    return "denied"


@pytest.mark.parametrize("actor", ACTORS)
def test_access_matrix(world, actor):
    client = Client()
    user = world["users"][actor]
    if user is not None:
        client.force_login(user)
    failures = []
    for method, url_for, allowed in cases(world):
        url = url_for()
        response = getattr(client, method)(url)
        expected = "ok" if actor in allowed else ("login" if actor == "anonymous" else "denied")
        if outcome(response) != expected:
            failures.append(f"{method.upper()} {url}: {outcome(response)} ({response.status_code}), attendu {expected}")
    assert not failures, "\n".join(failures)
