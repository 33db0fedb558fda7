"""Every URL of a case × every kind of actor (issue #3, access rules).

Agents of other authorities, editors and platform admins who are not members get
a 404 on every case URL, by GET and by POST, and nothing changes; anonymous
visitors are sent to the login page; agents of the authority get the page, or a
refusal message for the actions their role does not allow.
"""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from authorities.models import Role
from cases.models import Attachment, Case, InboundEmail, MessageCase, Note
from cases.referral.models import Referral
from tests.conftest import member_of
from tests.draftail import typed
from tests.factories import CaseFactory
from tests.workspace_factories import AttachmentFactory, MessageFactory, NoteFactory, fast_passwords  # noqa: F401

OUTSIDERS = ["other_agent", "other_main_agent", "editor", "platform_admin"]

# URL name → its extra arguments (None: the pk of the world's note, document or message).
URLS = {
    "detail": {},
    "edit": {"section": "coordonnees"},
    "facts": {},
    "assign_to_me": {},
    "unassign": {},
    "assign": {},
    "close": {},
    "reopen": {},
    "delete": {},
    "hold": {},
    "hold_lift": {},
    "referral_propose": {},
    "referral_withdraw": {},
    "note_add": {},
    "note_edit": {"note_pk": None},
    "note_delete": {"note_pk": None},
    "document_upload": {},
    "document_download": {"attachment_pk": None},
    "document_delete": {"attachment_pk": None},
    "synthesis": {},
    "message_compose": {},
    "message_processed": {"message_pk": None},
    "message_original": {"message_pk": None},
    "message_raw": {"message_pk": None},
    "draft_save": {"kind": "note"},
}
POST_ONLY = {
    "draft_save",
    "facts",
    "assign_to_me",
    "unassign",
    "document_upload",
    "message_processed",
    "hold_lift",
    "referral_withdraw",
}
# What a form of these URLs would accept: an outsider's request must still change nothing.
VALID_INPUT = {
    "status": "closed",
    "due_date": "2031-01-01",
    "processed": "1",
    "to": "x@exemple.fr",
    "subject": "s",
    "body": typed("b"),
    "reason": "Contentieux",
    "note": "Voirie",
    "consent": "email",
}
# GET by an agent who is neither assignee nor main agent: sent back to the case with a message.
REFUSED_TO_AGENT = {"assign", "delete", "document_delete", "hold"}


@pytest.fixture
def other_main_agent(other_authority):
    return member_of(other_authority, Role.MAIN_AGENT)


@pytest.fixture
def world(authority):
    case = CaseFactory(authority=authority)
    case.citizen.first_name = "Prudence"
    case.citizen.save()
    note = NoteFactory(case=case, content="<p>Secret de médiation</p>")
    document = AttachmentFactory(case=case, name="piece-confidentielle.pdf")
    message = MessageFactory(cases=[case], from_email="prudence@exemple.fr", subject="Réponse confidentielle")
    raw = "From: prudence@exemple.fr\r\nSubject: Réponse confidentielle\r\n\r\nSecret de médiation\r\n".encode()
    InboundEmail.objects.create(door="mta", raw=raw, size=len(raw), state=InboundEmail.State.THREADED, message=message)
    return {"case": case, "note": note, "document": document, "message": message}


def url_for(name: str, world: dict, number: int | None = None) -> str:
    kwargs = {"number": number or world["case"].number}
    for key, value in URLS[name].items():
        kwargs[key] = value or world[{"note_pk": "note", "attachment_pk": "document", "message_pk": "message"}[key]].pk
    return reverse(f"case:{name}", kwargs=kwargs)


def assert_untouched(world: dict) -> None:
    case = Case.objects.get(pk=world["case"].pk)
    assert case.assignee_id is None
    assert case.closed_at is None
    assert case.held_since is None
    assert Note.objects.filter(pk=world["note"].pk).exists()
    assert Attachment.objects.filter(pk=world["document"].pk).exists()
    assert MessageCase.objects.get(message=world["message"]).processed is False
    assert not case.messages.exclude(pk=world["message"].pk).exists()
    assert case.events.count() == 0
    assert not Referral.objects.exists()


def sign_in(client, user) -> None:
    """Signed in, with the second factor passed (platform admins reach nothing in the admin without it)."""
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("actor", OUTSIDERS)
def test_outsiders_get_404_and_no_data(client, request, world, name, actor):
    sign_in(client, request.getfixturevalue(actor))
    for method in ("get", "post"):
        response = getattr(client, method)(url_for(name, world), VALID_INPUT)
        assert response.status_code == 404, method
        body = response.content.decode()
        assert "Prudence" not in body
        assert "Secret de médiation" not in body
        assert "piece-confidentielle" not in body
        assert "Réponse confidentielle" not in body
    assert_untouched(world)


@pytest.mark.parametrize("name", URLS)
def test_anonymous_is_sent_to_login(client, world, name):
    for method in ("get", "post"):
        response = getattr(client, method)(url_for(name, world))
        assert response.status_code == 302
        assert response.url.startswith(reverse("wagtailadmin_login"))
    assert_untouched(world)


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("actor", ["agent", "main_agent"])
def test_agents_of_the_authority_open_every_url(client, request, world, name, actor):
    sign_in(client, request.getfixturevalue(actor))
    response = client.get(url_for(name, world))
    if name in POST_ONLY:
        assert response.status_code == 405
    elif name == "reopen" or (actor == "agent" and name in REFUSED_TO_AGENT):
        assert response.status_code == 302
        assert response.url == reverse("case:detail", args=[world["case"].number])
    else:
        assert response.status_code == 200
    assert_untouched(world)
    # Guessing another number, even as a member, finds nothing.
    missing = Case.objects.order_by("-number").first().number + 1000
    assert client.get(url_for(name, world, number=missing)).status_code == 404
    assert client.post(url_for(name, world, number=missing)).status_code == 404


def test_every_case_url_is_in_the_matrix():
    from cases.views.urls import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == set(URLS)
