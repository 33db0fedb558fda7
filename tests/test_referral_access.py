"""Who reaches what of a referred case (issue 16, item 3): six roles of both authorities.

Before the answer the case is the sending authority's (A) alone: the receiving one (B) reads the
proposal, not the case. Once B accepts, every URL of the case answers 404 to A's agents with none of
its content, B's agents open it, and editors, platform admins and an agent of a third authority reach
neither the case nor the proposal. The case URLs come from test_case_access_matrix.py.
"""

import pytest
from django.urls import reverse

from authorities.models import Role
from cases.referral import service
from cases.referral.models import Referral, State
from tests.conftest import member_of
from tests.factories import AuthorityFactory
from tests.test_case_access_matrix import URLS, VALID_INPUT, other_main_agent, sign_in, url_for, world  # noqa: F401
from tests.workspace_factories import fast_passwords  # noqa: F401

SECRETS = ("Prudence", "Secret de médiation", "piece-confidentielle", "Réponse confidentielle")
REFERRAL_URLS = ("referrals", "referral_detail", "referral_accept", "referral_decline")
SENDING = ["agent", "main_agent"]
RECEIVING = ["other_agent", "other_main_agent"]
NEITHER = ["editor", "other_editor", "third_agent", "platform_admin"]


@pytest.fixture
def other_editor(other_authority):
    return member_of(other_authority, Role.EDITOR)


@pytest.fixture
def third_agent(db):
    return member_of(AuthorityFactory(name="Département", slug="departement"), Role.AGENT)


@pytest.fixture
def referral(world, agent, other_agent, other_authority) -> Referral:  # noqa: F811
    return service.propose(agent, world["case"], other_authority, reason="territory", note="Voirie", consent="phone")


@pytest.fixture
def accepted(referral, other_agent) -> Referral:
    service.accept(other_agent, referral)
    referral.refresh_from_db()
    return referral


def referral_url(name: str, referral: Referral) -> str:
    return reverse(name) if name == "referrals" else reverse(name, args=[referral.pk])


def assert_outsider_sees_nothing(response, name: str, actor: str, referral: Referral) -> None:
    """404, except the list of referrals for an agent of a third authority: their own, without this one."""
    if name == "referrals" and actor == "third_agent":
        assert response.status_code == 200
        assert f"Dossier n°{referral.case_id}" not in response.content.decode()
    else:
        assert response.status_code == 404
    assert "Voirie" not in response.content.decode()


def assert_no_secret(response) -> None:
    body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body


def assert_case_urls_answer_404(client, world) -> None:  # noqa: F811
    for name in URLS:
        for method in ("get", "post"):
            response = getattr(client, method)(url_for(name, world), VALID_INPUT)
            assert response.status_code == 404, (name, method)
            assert_no_secret(response)


@pytest.mark.parametrize("actor", SENDING)
def test_after_acceptance_no_case_url_answers_the_sending_authority(client, request, world, accepted, actor):  # noqa: F811
    sign_in(client, request.getfixturevalue(actor))
    assert_case_urls_answer_404(client, world)
    case = world["case"]
    case.refresh_from_db()
    assert case.notes.exists() and case.attachments.exists() and case.assignee_id is None  # nothing changed


@pytest.mark.parametrize("actor", NEITHER)
def test_after_acceptance_outsiders_reach_nothing(client, request, world, accepted, actor):  # noqa: F811
    sign_in(client, request.getfixturevalue(actor))
    assert_case_urls_answer_404(client, world)
    for name in REFERRAL_URLS:
        assert_outsider_sees_nothing(client.get(referral_url(name, accepted)), name, actor, accepted)


@pytest.mark.parametrize("actor", RECEIVING)
def test_after_acceptance_the_receiving_authority_opens_the_case(client, request, world, accepted, actor):  # noqa: F811
    sign_in(client, request.getfixturevalue(actor))
    page = client.get(url_for("detail", world)).content.decode()
    assert all(secret in page for secret in ("Prudence", "Secret de médiation", "piece-confidentielle"))


@pytest.mark.parametrize("actor", RECEIVING)
def test_before_the_answer_the_receiving_authority_reads_the_proposal_not_the_case(
    client,
    request,
    world,  # noqa: F811
    referral,
    actor,
):
    sign_in(client, request.getfixturevalue(actor))
    assert_case_urls_answer_404(client, world)
    for name in ("referrals", "referral_detail"):
        response = client.get(referral_url(name, referral))
        assert response.status_code == 200
        assert_no_secret(response)


@pytest.mark.parametrize("actor", SENDING)
def test_the_sending_authority_reads_its_proposal_but_cannot_answer_it(client, request, referral, actor):
    sign_in(client, request.getfixturevalue(actor))
    for name in ("referrals", "referral_detail"):
        assert client.get(referral_url(name, referral)).status_code == 200
    for name in ("referral_accept", "referral_decline"):
        response = client.post(referral_url(name, referral), {"answer_reason": "Non"})
        assert response.status_code == 302
    assert Referral.objects.get().status == State.PROPOSED


@pytest.mark.parametrize("name", REFERRAL_URLS)
@pytest.mark.parametrize("actor", NEITHER)
def test_outsiders_get_404_on_the_proposal(client, request, referral, name, actor):
    sign_in(client, request.getfixturevalue(actor))
    for method in ("get", "post"):
        response = getattr(client, method)(referral_url(name, referral), {"answer_reason": "Non"})
        assert_outsider_sees_nothing(response, name, actor, referral)
    assert Referral.objects.get().status == State.PROPOSED


@pytest.mark.parametrize("name", REFERRAL_URLS)
def test_anonymous_is_sent_to_login(client, referral, name):
    for method in ("get", "post"):
        response = getattr(client, method)(referral_url(name, referral))
        assert response.status_code == 302
        assert response.url.startswith(reverse("wagtailadmin_login"))
    assert Referral.objects.get().status == State.PROPOSED


@pytest.mark.parametrize("name", ["referral_accept", "referral_decline"])
def test_answers_are_post_only(client, other_agent, referral, name):
    sign_in(client, other_agent)
    assert client.get(referral_url(name, referral)).status_code == 405
    assert Referral.objects.get().status == State.PROPOSED
