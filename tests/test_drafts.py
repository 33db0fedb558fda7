"""Drafts of replies and notes kept on the server per user and case (issue 11, item 8)."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from cases.drafts.models import Draft
from tests.draftail import typed
from tests.factories import CaseFactory
from tests.test_case_access_matrix import sign_in
from tests.workspace_factories import fast_passwords  # noqa: F401


@pytest.fixture
def case(authority):
    return CaseFactory(authority=authority, citizen__email="lea@exemple.fr")


def save(client, case, kind: str, data: dict):
    return client.post(reverse("case:draft_save", args=[case.number, kind]), data)


def test_a_draft_typed_in_one_session_opens_in_another(client, agent, case):
    client.force_login(agent)
    assert (
        save(
            client, case, "reponse", {"to": "lea@exemple.fr", "subject": "Votre facture", "body": typed("Bonjour Léa")}
        ).status_code
        == 204
    )
    assert (
        save(
            client, case, "note", {"kind": "phone_call", "date": "2026-03-02", "content": typed("Appel reçu")}
        ).status_code
        == 204
    )
    other_device = Client()
    other_device.force_login(agent)
    page = html.unescape(other_device.get(reverse("case:detail", args=[case.number])).content.decode())
    assert 'value="Votre facture"' in page and '<option value="phone_call" selected>' in page
    assert "Bonjour L" in page and "Appel re" in page  # in Draftail's contentstate (JSON-escaped accents)
    assert Draft.objects.get(kind="reponse").fields["body"] == "<p>Bonjour Léa</p>"


def test_drafts_are_each_users_own_and_go_once_used(client, agent, main_agent, case):
    client.force_login(agent)
    save(client, case, "reponse", {"to": "lea@exemple.fr", "subject": "Brouillon d'agent", "body": typed("x")})
    save(client, case, "note", {"kind": "note", "date": "2026-03-02", "content": typed("Note en cours")})
    colleague = Client()
    colleague.force_login(main_agent)
    assert "Brouillon d'agent" not in colleague.get(reverse("case:detail", args=[case.number])).content.decode()

    client.post(
        reverse("case:note_add", args=[case.number]),
        {"kind": "note", "date": "2026-03-02", "content": typed("Note en cours")},
    )
    assert list(Draft.objects.values_list("kind", flat=True)) == ["reponse"]
    compose = reverse("case:message_compose", args=[case.number])
    client.post(compose, {"to": "lea@exemple.fr", "subject": "Brouillon d'agent", "body": typed("Bonjour")})
    assert not Draft.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("platform_admin", 404),
        ("main_agent", 204),
        ("agent", 204),
        ("editor", 404),
        ("other_agent", 404),
        ("anonymous", 302),
    ],
)
def test_draft_save_access(client, request, case, role, status):
    if role != "anonymous":
        sign_in(client, request.getfixturevalue(role))
    response = save(client, case, "note", {"kind": "note", "date": "2026-03-02", "content": typed("x")})
    assert response.status_code == status
    assert Draft.objects.count() == (1 if status == 204 else 0)
    if status == 204:
        assert client.get(reverse("case:draft_save", args=[case.number, "note"])).status_code == 405
        assert save(client, case, "autre", {}).status_code == 404
