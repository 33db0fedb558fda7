"""Every URL of the citizen's space × every kind of visitor (issue 15).

The case pages answer the right citizen only. A citizen of another case reaches their own case, never
this one's; anonymous visitors and every member of the platform (platform admin, main agent, agent and
editor of the case's authority, agent of another authority) get the refusal page, even carrying the
right citizen's cookie: an agent has no business inside a citizen's session. POSTs of anyone else change
nothing. The public forms answer everyone. The agent's side of it, on the case (/admin/dossiers/<N>/suivi/…),
follows the case URLs' rule: the case's agents, 404 for other members, the login page for anonymous.
"""

import pytest
from django.urls import reverse

from cases.choices import Transmitter
from cases.citizen import keys
from cases.citizen.models import AccessKey
from cases.models import Case, InboundEmail
from tests.factories import CaseFactory
from tests.test_case_access_matrix import other_main_agent, sign_in  # noqa: F401
from tests.workspace_factories import AttachmentFactory, NoteFactory, fast_passwords  # noqa: F401

MEMBERS = ["platform_admin", "main_agent", "agent", "editor", "other_agent"]
MARKERS = ("Prudence", "Secret de médiation", "piece-de-prudence", "Loyer impayé")
CASE_PAGES = ("case", "answer", "download", "withdraw")
POSTS = {"answer": {"text": "Réponse forgée"}, "withdraw": {"reason": "Forgé", "confirmer": "oui"}}
PUBLIC = ("recover", "letter_code")
AGENT_URLS = ("citizen_send_link", "citizen_revoke", "citizen_letter")
AGENT_POST_ONLY = {"citizen_send_link", "citizen_revoke"}


@pytest.fixture
def world(authority, other_authority):
    case = CaseFactory(authority=authority, description="Loyer impayé")
    case.citizen.first_name, case.citizen.email = "Prudence", "prudence@exemple.fr"
    case.citizen.save()
    NoteFactory(case=case, content="<p>Secret de médiation</p>")
    document = AttachmentFactory(case=case, name="piece-de-prudence.pdf", transmitter=Transmitter.CITIZEN)
    other = CaseFactory(authority=authority, description="Autre demande")
    return {"case": case, "document": document, "other": other}


def citizen_url(name: str, world: dict) -> str:
    if name == "download":
        return reverse("citizen:download", args=[world["document"].pk])
    return reverse(f"citizen:{name}")


def enter(client, case) -> None:
    """The citizen of `case` opens their page from a link."""
    secret = keys.issue_link(case, case.citizen.email)
    assert client.get(reverse("citizen:exchange", args=[secret])).status_code == 302


def assert_refused(response) -> None:
    assert response.status_code == 404
    body = response.content.decode()
    assert "Ce lien ne permet pas d'ouvrir un dossier" in body
    for marker in MARKERS:
        assert marker not in body
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]


def assert_untouched(world: dict) -> None:
    assert not InboundEmail.objects.exists()
    assert Case.objects.get(pk=world["case"].pk).closed_at is None


@pytest.mark.parametrize("name", CASE_PAGES)
def test_the_right_citizen_reaches_every_page(client, world, name):
    enter(client, world["case"])
    response = client.get(citizen_url(name, world))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", CASE_PAGES)
def test_a_citizen_of_another_case_never_reaches_this_one(client, world, name):
    enter(client, world["other"])
    response = client.get(citizen_url(name, world))
    assert response.status_code == (404 if name == "download" else 200)
    body = response.content.decode()
    for marker in MARKERS:
        assert marker not in body
    if name in POSTS:
        client.post(citizen_url(name, world), POSTS[name])
        assert Case.objects.get(pk=world["case"].pk).closed_at is None
        assert not InboundEmail.objects.filter(message__cases=world["case"]).exists()


@pytest.mark.parametrize("name", CASE_PAGES)
def test_anonymous_visitors_get_the_refusal(client, world, name):
    assert_refused(client.get(citizen_url(name, world)))
    for data in [POSTS.get(name, {})]:
        assert_refused(client.post(citizen_url(name, world), data))
    assert_untouched(world)


@pytest.mark.parametrize("with_cookie", [False, True], ids=["signed-in", "signed-in-with-citizen-cookie"])
@pytest.mark.parametrize("actor", MEMBERS)
@pytest.mark.parametrize("name", CASE_PAGES)
def test_no_member_of_the_platform_enters_a_citizen_session(client, request, world, actor, name, with_cookie):
    if with_cookie:
        enter(client, world["case"])
    sign_in(client, request.getfixturevalue(actor))
    assert_refused(client.get(citizen_url(name, world)))
    assert_refused(client.post(citizen_url(name, world), POSTS.get(name, {})))
    assert_untouched(world)


@pytest.mark.parametrize("actor", MEMBERS)
def test_a_member_following_a_citizen_link_opens_nothing(client, request, world, actor):
    sign_in(client, request.getfixturevalue(actor))
    secret = keys.issue_link(world["case"], world["case"].citizen.email)
    response = client.get(reverse("citizen:exchange", args=[secret]))
    assert (
        response.status_code == 302
        and keys.COOKIE_NAME not in response.cookies
        or not response.cookies[keys.COOKIE_NAME].value
    )
    assert AccessKey.objects.get().used_at is None


@pytest.mark.parametrize("actor", [None, *MEMBERS])
@pytest.mark.parametrize("name", PUBLIC)
def test_the_public_forms_answer_everyone(client, request, world, actor, name):
    if actor:
        sign_in(client, request.getfixturevalue(actor))
    response = client.get(reverse(f"citizen:{name}"))
    assert response.status_code == 200 and response["Referrer-Policy"] == "no-referrer"


# The agent's side, on the case -----------------------------------------------------------------------------


def agent_url(name: str, world: dict) -> str:
    return reverse(name, args=[world["case"].number])


@pytest.mark.parametrize("actor", ["main_agent", "agent"])
@pytest.mark.parametrize("name", AGENT_URLS)
def test_the_case_agents_use_the_agent_side(client, request, world, actor, name):
    sign_in(client, request.getfixturevalue(actor))
    if name not in AGENT_POST_ONLY:
        assert client.get(agent_url(name, world)).status_code == 200
    response = client.post(agent_url(name, world))
    assert response.status_code == (200 if name == "citizen_letter" else 302)


@pytest.mark.parametrize("actor", ["platform_admin", "editor", "other_agent", "other_main_agent"])
@pytest.mark.parametrize("name", AGENT_URLS)
def test_other_members_get_404_on_the_agent_side(client, request, world, actor, name):
    sign_in(client, request.getfixturevalue(actor))
    for method in ("get", "post"):
        response = getattr(client, method)(agent_url(name, world))
        assert response.status_code in ((404, 405) if method == "get" and name in AGENT_POST_ONLY else (404,))
        for marker in MARKERS:
            assert marker not in response.content.decode()
    assert not AccessKey.objects.exists()
    assert not world["case"].events.exists()


@pytest.mark.parametrize("with_cookie", [False, True], ids=["anonymous", "citizen"])
@pytest.mark.parametrize("name", AGENT_URLS)
def test_anonymous_and_citizens_are_sent_to_the_login_page(client, world, name, with_cookie):
    if with_cookie:
        enter(client, world["case"])
    response = client.post(agent_url(name, world))
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert not world["case"].events.exclude(kind="citizen_page_opened").exists()
