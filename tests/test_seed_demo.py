"""`manage.py seed_demo` (cases/management/commands/seed_demo.py)."""

from datetime import timedelta
from io import StringIO

import phonenumbers
import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page

from authorities.models import Authority, Membership, Role, User
from authorities.permissions import is_platform_admin
from cases.choices import Status
from cases.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD
from cases.models import Case, CaseEvent, Citizen

DEMO_ROLES = {
    "principal@demo.example": ("demo", Role.MAIN_AGENT),
    "agent@demo.example": ("demo", Role.AGENT),
    "editeur@demo.example": ("demo", Role.EDITOR),
    "agent@autre.example": ("autre", Role.AGENT),
    "editeur@autre.example": ("autre", Role.EDITOR),
}
COUNTED_MODELS = [Authority, User, Membership, Group, GroupPagePermission, Page, Case, Citizen, CaseEvent]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED_MODELS}


@pytest.fixture
def seeded(db, settings) -> str:
    settings.DEMO_PASSWORD = ""
    return seed()


def test_running_it_twice_changes_nothing(seeded):
    first = row_counts()
    seed()
    assert row_counts() == first
    assert first["Case"] == 360


def test_demo_accounts_sign_in_with_the_printed_password(seeded):
    assert f"Mot de passe des comptes de démonstration : {DEFAULT_DEMO_PASSWORD}" in seeded
    assert "/admin/" in seeded
    for email in ["admin@demo.example", *DEMO_ROLES]:
        user = authenticate(username=email, password=DEFAULT_DEMO_PASSWORD)
        assert user is not None, email
        assert user.first_name and user.last_name
    assert is_platform_admin(User.objects.get(email="admin@demo.example"))


def test_members_have_their_roles(seeded):
    memberships = Membership.objects.values_list("user__email", "authority__slug", "role")
    assert {email: (slug, role) for email, slug, role in memberships} == DEMO_ROLES
    assert Authority.objects.get(slug="demo").name == "Ville de Démo"
    assert Authority.objects.get(slug="autre").page.live


def test_demo_password_setting_is_used_when_set(db, settings):
    settings.DEMO_PASSWORD = "un-autre-mot-de-passe-de-demo"
    output = seed()
    assert settings.DEMO_PASSWORD not in output
    assert authenticate(username="agent@demo.example", password=settings.DEMO_PASSWORD) is not None


def test_cases_are_realistic_and_valid(seeded):
    for slug, count in [("demo", 300), ("autre", 60)]:
        cases = Case.objects.filter(authority__slug=slug)
        assert cases.count() == count
        assert set(cases.values_list("status", flat=True)) == set(Status.values)
        assert cases.filter(assignee__isnull=True).exists()
    assert not Case.objects.filter(status=Status.CLOSED, closed_at__isnull=True).exists()
    assert not Case.objects.exclude(status=Status.CLOSED).filter(closed_at__isnull=False).exists()
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.CREATED).count() == 360
    oldest = Case.objects.order_by("created_at").first().created_at
    assert timezone.now() - oldest > timedelta(days=365)
    for case in Case.objects.select_related("citizen").order_by("?")[:60]:
        case.full_clean()
        case.citizen.full_clean()
        if case.citizen.phone:
            assert phonenumbers.is_valid_number(phonenumbers.parse(case.citizen.phone))


def test_agents_of_an_authority_are_the_only_assignees(seeded):
    for case in Case.objects.filter(assignee__isnull=False).select_related("assignee"):
        assert case.assignee.memberships.get(authority_id=case.authority_id).is_agent


def test_the_demo_cases_are_found_by_the_search_at_once(seeded, client):
    """Issue 9, defect 10: nothing was found until `manage.py update_index` had been run."""
    towed = Case.objects.filter(authority__slug="demo", description__contains="fourrière").count()
    citizen = Citizen.objects.filter(case__authority__slug="demo").order_by("pk").first()
    client.force_login(User.objects.get(email="agent@demo.example"))

    def search(term: str):
        return client.get("/admin/dossiers/", {"q": term, "etat": "tous"}).context

    assert towed and search("fourrière")["result_count"] == towed
    assert citizen.case_id in {
        case.number for case in search(f"{citizen.first_name} {citizen.last_name}")["object_list"]
    }


def test_demo_authorities_are_found_by_their_commune(seeded, client):
    response = client.get("/trouver-mon-mediateur/", {"lieu": "Rennes (35000)", "commune": "35238"})
    assert [entry.authority.slug for entry in response.context["competent"]] == ["autre"]
