"""Legal hold (issue #14 item 3): a main agent keeps a case from anonymisation, with a reason, and lifts it.

The URLs' access rows (other authority, editor, platform admin, anonymous) are in test_case_access_matrix.py.
"""

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.choices import Outcome, Status
from cases.models import Case, CaseEvent
from cases.privacy import hold
from cases.privacy.anonymise import anonymise_due
from cases.privacy.retention import due_cases, due_within_notice
from tests.factories import CaseFactory
from tests.workspace_factories import fast_passwords  # noqa: F401


@pytest.fixture
def expired_case(authority):
    case = CaseFactory(authority=authority, citizen__last_name="Gardé")
    closed_at = timezone.now() - relativedelta(months=30)
    Case.objects.filter(pk=case.pk).update(closed_at=closed_at, status=Status.CLOSED, outcome=Outcome.values[0])
    return Case.objects.get(pk=case.pk)


def test_a_held_case_is_never_anonymised_until_the_hold_is_lifted(main_agent, expired_case):
    hold.place_hold(main_agent, expired_case, "Recours devant le tribunal administratif")
    assert not due_cases().exists() and not due_within_notice().exists()
    assert anonymise_due() == 0
    case = Case.objects.get(pk=expired_case.pk)
    assert case.anonymised_at is None and case.citizen.last_name == "Gardé"
    hold.lift_hold(main_agent, case)
    assert anonymise_due() == 1
    assert Case.objects.get(pk=case.pk).anonymised_at is not None


def test_hold_and_lifting_are_on_the_timeline_with_their_reason(main_agent, expired_case):
    hold.place_hold(main_agent, expired_case, "Plainte en cours")
    hold.lift_hold(main_agent, expired_case)
    events = list(expired_case.events.values_list("kind", "actor", "data"))
    assert events == [
        (CaseEvent.Kind.HOLD_PLACED, main_agent.pk, {"detail": "Plainte en cours"}),
        (CaseEvent.Kind.HOLD_LIFTED, main_agent.pk, {"detail": "Plainte en cours"}),
    ]


def test_only_the_main_agent_places_a_hold_and_a_reason_is_required(agent, main_agent, expired_case):
    with pytest.raises(PermissionDenied):
        hold.place_hold(agent, expired_case, "Contentieux")
    with pytest.raises(ValidationError):
        hold.place_hold(main_agent, expired_case, "   ")
    hold.place_hold(main_agent, expired_case, "Contentieux")
    with pytest.raises(PermissionDenied):
        hold.lift_hold(agent, expired_case)
    with pytest.raises(ValidationError):
        hold.place_hold(main_agent, expired_case, "Encore")


def test_an_anonymised_case_cannot_be_held(main_agent, expired_case):
    anonymise_due()
    with pytest.raises(ValidationError, match="anonymisé"):
        hold.place_hold(main_agent, Case.objects.get(pk=expired_case.pk), "Trop tard")


def test_the_main_agent_holds_and_lifts_from_the_case_page(client, main_agent, expired_case):
    client.force_login(main_agent)
    detail = reverse("case:detail", args=[expired_case.number])
    assert "Placer sous conservation légale" in client.get(detail).content.decode()
    response = client.post(reverse("case:hold", args=[expired_case.number]), {"reason": ""})
    assert response.status_code == 200 and not Case.objects.get(pk=expired_case.pk).is_held
    response = client.post(reverse("case:hold", args=[expired_case.number]), {"reason": "Demande des archives"})
    assert response.url == detail
    page = client.get(detail).content.decode()
    assert "Sous conservation légale" in page and "Demande des archives" in page
    assert "Conservation légale décidée" in page  # the timeline
    client.post(reverse("case:hold_lift", args=[expired_case.number]))
    case = Case.objects.get(pk=expired_case.pk)
    assert not case.is_held and case.hold_reason == ""
    assert "Conservation légale levée" in client.get(detail).content.decode()


def test_an_agent_sees_the_hold_but_cannot_place_it(client, agent, main_agent, expired_case):
    client.force_login(agent)
    detail = reverse("case:detail", args=[expired_case.number])
    assert "Placer sous conservation légale" not in client.get(detail).content.decode()
    client.post(reverse("case:hold", args=[expired_case.number]), {"reason": "Contentieux"})
    assert not Case.objects.get(pk=expired_case.pk).is_held
    hold.place_hold(main_agent, expired_case, "Contentieux")
    page = client.get(detail).content.decode()
    assert "Sous conservation légale" in page and "Lever la conservation" not in page
