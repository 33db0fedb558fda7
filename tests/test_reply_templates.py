"""Reply templates (issue 11, item 6): main agents keep them per authority, agents insert one while composing,
its placeholders filled for the case."""

import html
import json
import re

import pytest
from django.urls import reverse

from authorities.models import Role
from cases.models import Citizen
from cases.replies.models import ReplyTemplate
from tests.conftest import member_of
from tests.draftail import typed
from tests.factories import CaseFactory
from tests.test_case_access_matrix import sign_in
from tests.workspace_factories import MessageFactory, fast_passwords  # noqa: F401

BODY = "<p>Bonjour {requerant},</p><p>Votre dossier n°{numero} est suivi par {mediateur} ({collectivite}).</p>"


@pytest.fixture
def other_main_agent(other_authority):
    return member_of(other_authority, Role.MAIN_AGENT)


@pytest.fixture
def template(authority):
    return ReplyTemplate.objects.create(authority=authority, title="Accusé de réception", body=BODY)


def test_a_main_agent_keeps_templates_of_their_authority(client, main_agent, authority):
    client.force_login(main_agent)
    response = client.post(
        reverse("reply_templates"),
        {"authority": authority.pk, "title": "Pièces manquantes", "body": typed("Bonjour {requerant},")},
    )
    assert response.status_code == 302
    saved = ReplyTemplate.objects.get()
    assert (saved.authority, saved.title, saved.body) == (authority, "Pièces manquantes", "<p>Bonjour {requerant},</p>")
    page = html.unescape(client.get(reverse("reply_templates")).content.decode())
    assert "Pièces manquantes" in page and "{numero} (le numéro du dossier)" in page
    client.post(
        reverse("reply_template_edit", args=[saved.pk]),
        {"authority": authority.pk, "title": "Pièces", "body": typed("x")},
    )
    assert ReplyTemplate.objects.get().title == "Pièces"
    client.post(reverse("reply_template_delete", args=[saved.pk]))
    assert not ReplyTemplate.objects.exists()


def test_an_agent_inserts_one_with_its_placeholders_filled(client, agent, authority, template):
    case = CaseFactory(authority=authority)
    Citizen.objects.filter(pk=case.pk).update(gender="female", first_name="Léa", last_name="<Dupont>")
    received = MessageFactory(cases=[case])
    client.force_login(agent)
    compose = reverse("case:message_compose", args=[case.number])
    content = client.get(f"{compose}?reply_to={received.pk}").content.decode()
    assert "Accusé de réception" in content and f'name="reply_to" value="{received.pk}"' in content
    content = client.get(f"{compose}?reply_to={received.pk}&modele={template.pk}").content.decode()
    value = re.search(r'<input[^>]*name="body"[^>]*\svalue="([^"]*)"', content).group(1)
    text = [block["text"] for block in json.loads(html.unescape(value))["blocks"]]  # Draftail's contentstate
    assert text == [
        "Bonjour Mme Léa <Dupont>,",
        f"Votre dossier n°{case.number} est suivi par {agent.get_full_name()} ({authority.name}).",
    ]
    case_page = client.get(reverse("case:detail", args=[case.number])).content.decode()
    assert f"{compose}?reply_to={received.pk}#id_modele" in case_page


def test_a_template_of_another_authority_is_not_found(client, other_agent, other_authority, template):
    case = CaseFactory(authority=other_authority)
    client.force_login(other_agent)
    compose = reverse("case:message_compose", args=[case.number])
    assert client.get(f"{compose}?modele={template.pk}").status_code == 404
    assert "Accusé de réception" not in client.get(compose).content.decode()


URLS = ["reply_templates", "reply_template_edit", "reply_template_delete"]


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize(
    "role", ["platform_admin", "agent", "editor", "other_main_agent", "other_agent", "anonymous", "main_agent"]
)
def test_reply_template_access(client, request, template, name, role):
    """Only the authority's main agent; everyone else gets 404 (anonymous: the sign-in page), nothing changed."""
    if role != "anonymous":
        sign_in(client, request.getfixturevalue(role))
    url = reverse(name) if name == "reply_templates" else reverse(name, args=[template.pk])
    responses = [getattr(client, method)(url, {"title": "Piraté", "body": typed("x")}) for method in ("get", "post")]
    if role == "main_agent":
        expected = {
            "reply_templates": [200, 200],
            "reply_template_edit": [200, 200],
            "reply_template_delete": [405, 302],
        }
        assert [response.status_code for response in responses] == expected[name]
        return
    if role == "other_main_agent" and name == "reply_templates":  # their own authority's list, without ours
        assert [response.status_code for response in responses] == [200, 200]
        assert "Accusé de réception" not in responses[0].content.decode()
        responses = []
    for response in responses:
        if role == "anonymous":
            assert response.status_code == 302 and response.url.startswith(reverse("wagtailadmin_login"))
        else:
            assert response.status_code == 404
            assert "Accusé de réception" not in response.content.decode()
    assert ReplyTemplate.objects.get(pk=template.pk).title == "Accusé de réception"
