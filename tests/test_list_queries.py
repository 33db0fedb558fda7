"""Every list of the admin costs the same number of queries whatever the number of rows it shows.

Each test shows a list, adds rows of every kind it displays (with what they count or point to),
and shows it again: the number of queries must not move. The case index, the case page and the
dashboard have their own query tests (test_case_index, test_case_page, test_dashboard).
"""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities import invitations
from authorities.models import Role
from authorities.permissions import PLATFORM_ADMINS_GROUP
from cases.choices import Outcome, Status
from cases.models import CompetentThirdParty, Domain
from tests.factories import AuthorityFactory, CaseFactory, MembershipFactory, UserFactory


def closed_case(**kwargs):
    return CaseFactory(status=Status.CLOSED, closed_at="2026-01-02T10:00Z", outcome=Outcome.PARTIAL, **kwargs)


def queries_to_show(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def assert_constant_queries(client, url: str, add_rows) -> None:
    add_rows(2)
    queries_to_show(client, url)  # warm caches (content types, site, permissions)
    few = queries_to_show(client, url)
    add_rows(8)
    assert queries_to_show(client, url) == few


def test_authorities(client, platform_admin):
    def add_rows(count: int) -> None:
        for _ in range(count):
            authority = AuthorityFactory()
            MembershipFactory(authority=authority, role=Role.MAIN_AGENT)
            CaseFactory(authority=authority)
            closed_case(authority=authority)

    client.force_login(platform_admin)
    assert_constant_queries(client, reverse("authorities:index"), add_rows)


def test_team_members_and_pending_invitations(client, authority, main_agent):
    def add_rows(count: int) -> None:
        for _ in range(count):
            member = MembershipFactory(authority=authority, role=Role.AGENT).user
            CaseFactory(authority=authority, assignee=member)
            closed_case(authority=authority, assignee=member)
            MembershipFactory(authority=authority, role=Role.EDITOR)
            invitations.invite(
                email=f"recrue-{UserFactory._meta.model.objects.count()}@exemple.fr",
                role=Role.AGENT,
                authority=authority,
                issued_by=main_agent,
            )

    client.force_login(main_agent)
    assert_constant_queries(client, reverse("authorities_team", args=[authority.pk]), add_rows)


def test_platform_admins_and_their_invitations(client, platform_admin):
    group = Group.objects.get_or_create(name=PLATFORM_ADMINS_GROUP)[0]

    def add_rows(count: int) -> None:
        for _ in range(count):
            UserFactory(is_superuser=True).groups.add(group)
            invitations.invite(
                email=f"admin-{UserFactory._meta.model.objects.count()}@exemple.fr",
                role="",
                authority=None,
                issued_by=platform_admin,
            )

    client.force_login(platform_admin)
    assert_constant_queries(client, reverse("authorities_platform_admins"), add_rows)


@pytest.mark.parametrize(
    ("model", "url"), [(Domain, "/admin/listes/domaines/"), (CompetentThirdParty, "/admin/listes/tiers-competents/")]
)
def test_lists_of_the_platform_and_the_authority(client, authority, main_agent, model, url):
    def add_rows(count: int) -> None:
        for n in range(count):
            parent = model.objects.create(name=f"Rubrique {model.objects.count()}")
            model.objects.create(name=f"Sous-rubrique {n}", parent=parent)
            model.objects.create(name=f"Ajout local {model.objects.count()}", parent=parent, authority=authority)

    client.force_login(main_agent)
    assert_constant_queries(client, url, add_rows)
