import pytest

from authorities.models import Role
from tests.factories import AuthorityFactory, MembershipFactory, UserFactory


@pytest.fixture
def authority(db):
    return AuthorityFactory(name="Ville de Démo", slug="demo")


@pytest.fixture
def other_authority(db):
    return AuthorityFactory(name="Autre Ville", slug="autre")


def member_of(authority, role: str):
    return MembershipFactory(authority=authority, role=role).user


@pytest.fixture
def agent(authority):
    return member_of(authority, Role.AGENT)


@pytest.fixture
def main_agent(authority):
    return member_of(authority, Role.MAIN_AGENT)


@pytest.fixture
def editor(authority):
    return member_of(authority, Role.EDITOR)


@pytest.fixture
def other_agent(other_authority):
    return member_of(other_authority, Role.AGENT)


@pytest.fixture
def platform_admin(db):
    return UserFactory(is_superuser=True, is_staff=True)
