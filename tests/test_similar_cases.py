"""Similar cases (issue #3 §7): same citizen name or email, same authority only, with links."""

import pytest
from django.db import connection
from django.urls import reverse

from cases.models import Citizen
from tests.factories import CaseFactory
from tests.workspace_factories import fast_passwords  # noqa: F401


def case_of(authority, first="Léa", last="Dupont", email="lea@exemple.fr"):
    case = CaseFactory(authority=authority)
    Citizen.objects.filter(pk=case.pk).update(first_name=first, last_name=last, email=email)
    return case


def page(client, user, case) -> str:
    client.force_login(user)
    return client.get(reverse("case:detail", args=[case.number])).content.decode()


@pytest.fixture
def case(authority):
    return case_of(authority)


def link(case) -> str:
    return f'href="{reverse("case:detail", args=[case.number])}"'


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's UPPER folds ASCII letters only (É ≠ é)")
def test_same_name_whatever_the_case_is_similar(client, agent, authority, case):
    homonym = case_of(authority, first="LÉA", last="dupont", email="autre@exemple.fr")
    content = page(client, agent, case)
    assert "Dossiers similaires" in content
    assert link(homonym) in content


def test_same_email_is_similar(client, agent, authority, case):
    same_email = case_of(authority, first="Paul", last="Martin", email="LEA@exemple.fr")
    assert link(same_email) in page(client, agent, case)


def test_other_citizens_and_other_authorities_are_not(client, agent, authority, other_authority, case):
    case_of(authority, first="Léa", last="Martin", email="")
    elsewhere = case_of(other_authority)
    content = page(client, agent, case)
    assert "Dossiers similaires" not in content
    assert link(elsewhere) not in content


def test_an_empty_email_matches_nothing(client, agent, authority):
    case = case_of(authority, first="Jean", last="Valjean", email="")
    case_of(authority, first="Cosette", last="Fauchelevent", email="")
    assert "Dossiers similaires" not in page(client, agent, case)
