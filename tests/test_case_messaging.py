"""The messaging panel of the case page (issue #4 §3): compose, reply, "to process", delivery status.

Real views, real services, real PostgreSQL; only the providers' HTTP APIs are mocked (`responses`).
"""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from authorities.models import Role
from cases.mail import outbound
from cases.mail.outbound import deliver
from cases.models import Case, CaseEvent, Message, MessageCase
from cases.views.rich_text import UNREADABLE
from tests.conftest import member_of
from tests.draftail import block, contentstate, editor_text, link, typed
from tests.factories import CaseFactory
from tests.test_case_page import count_queries
from tests.workspace_factories import (
    PDF_BYTES,
    PNG_BYTES,
    AttachmentFactory,
    MessageFactory,
    fast_passwords,  # noqa: F401
)

MAILJET_SEND = "https://api.mailjet.com/v3.1/send"
BREVO_SEND = "https://api.brevo.com/v3/smtp/email"


@pytest.fixture
def case(mail_settings, authority):
    return CaseFactory(authority=authority, citizen__email="Camille.Durand@exemple.fr")


def url(name: str, case: Case, **kwargs) -> str:
    return reverse(f"case:{name}", kwargs={"number": case.number, **kwargs})


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def input_value(content: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', content)
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def send(client, case, data: dict, capture, query: str = ""):
    with capture(execute=True):
        return client.post(url("message_compose", case) + query, data)


def panel(client, case) -> str:
    """The case page's messaging panel, as text."""
    content = text_of(client.get(url("detail", case)))
    start = content.index('id="fil-section"')
    end = content.find('<section class="w-panel', start)
    return content[start : end if end > 0 else None]


def test_compose_page_offers_the_citizen_and_earlier_recipients(client, agent, case):
    MessageFactory(cases=[case], from_email="Service des eaux <eau@mairie.fr>")
    client.force_login(agent)
    response = client.get(url("message_compose", case))
    assert response.status_code == 200
    content = text_of(response)
    assert "Nouveau message" in content
    assert input_value(content, "to") == "camille.durand@exemple.fr"
    assert 'data-recipient="camille.durand@exemple.fr"' in content
    assert 'data-recipient="eau@mairie.fr"' in content
    assert 'data-draft-key="case_new_message_' in content
    assert "js/message-compose.js" in content
    assert "wagtailadmin/js/draftail.js" in content and "wagtailadmin/css/panels/draftail.css" in content
    assert 'name="body"' in content and "data-draftail-input" in content


def test_an_agent_writes_to_the_citizen(client, agent, case, django_capture_on_commit_callbacks):
    """Any agent of the authority writes, assigned or not (the case is unassigned here)."""
    client.force_login(agent)
    response = send(
        client,
        case,
        {
            "to": "camille.durand@exemple.fr",
            "subject": "Votre facture",
            "body": typed("Bonjour,", "Pouvez-vous <préciser> ?"),
        },
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert response.url == url("detail", case) + "#fil-section"
    assert [str(m) for m in get_messages(response.wsgi_request)][-1].startswith("Message envoyé.")
    [email] = mail.outbox
    assert email.to == ["camille.durand@exemple.fr"]
    assert email.reply_to == [case.reply_address]
    assert email.subject == f"Dossier n°{case.number} — Nouveau message du médiateur"
    assert "Votre facture" in email.body and "Pouvez-vous <préciser> ?" in email.body
    message = case.messages.get()
    assert message.content_html == "<p>Bonjour,</p><p>Pouvez-vous &lt;préciser&gt; ?</p>"
    assert (message.status, message.sent_by) == (Message.State.SENT, agent)
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_SENT, actor=agent).exists()
    content = panel(client, case)
    assert "Envoyé à camille.durand@exemple.fr" in content
    assert "Votre facture" in content
    assert "<p>Pouvez-vous &lt;préciser&gt; ?</p>" in response_html(client, case)


def response_html(client, case) -> str:
    return client.get(url("detail", case)).content.decode()


def test_third_parties_get_one_email_with_the_attachments(client, main_agent, case, django_capture_on_commit_callbacks):
    client.force_login(main_agent)
    files = [
        SimpleUploadedFile("facture.pdf", PDF_BYTES, "application/pdf"),
        SimpleUploadedFile("photo.png", PNG_BYTES, "image/png"),
    ]
    data = {
        "to": "Service.Eau@mairie.fr; juriste@mairie.fr\ncamille.durand@exemple.fr, juriste@mairie.fr",
        "subject": "  Demande   d'éclaircissement ",
        "body": contentstate(
            block("Bonjour à tous", styles=[("BOLD", 8, 6)]),
            block("Lien piégé", links=[(0, 0, 10)]),
            entities={"0": link("javascript:alert(1)", onclick="alert(1)")},
        ),
        "files": files,
    }
    response = send(client, case, data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    by_subject = {email.subject: email for email in mail.outbox}
    assert set(by_subject) == {f"Dossier n°{case.number} — Nouveau message du médiateur", "Un médiateur vous a écrit"}
    third = by_subject["Un médiateur vous a écrit"]
    assert third.to == ["service.eau@mairie.fr", "juriste@mairie.fr"]
    assert by_subject[f"Dossier n°{case.number} — Nouveau message du médiateur"].to == ["camille.durand@exemple.fr"]
    for email in mail.outbox:
        assert email.reply_to == [case.reply_address]
        assert [(name, content_type) for name, _, content_type in email.attachments] == [
            ("facture.pdf", "application/pdf"),
            ("photo.png", "image/png"),
        ]
    third_message = case.messages.get(template="case_message_to_third_party")
    assert third_message.content_subject == "Demande d'éclaircissement"
    assert third_message.content_html == (
        '<p>Bonjour <b>à tous</b></p><p><a rel="noopener noreferrer nofollow">Lien piégé</a></p>'
    )
    content = panel(client, case)
    assert "Envoyé à service.eau@mairie.fr, juriste@mairie.fr" in content
    assert content.count("facture.pdf") == 2
    attachment = third_message.attachments.get(name="facture.pdf")
    assert url("document_download", case, attachment_pk=attachment.pk) in content
    assert "alert(1)" not in response_html(client, case)


@pytest.mark.parametrize(
    ("data", "files", "error"),
    [
        ({"to": "pas-une-adresse, ok@mairie.fr"}, [], "Adresse électronique invalide : « pas-une-adresse »."),
        ({"to": ""}, [], "Indiquez au moins un destinataire."),
        ({"to": ", ".join(f"a{n}@mairie.fr" for n in range(21))}, [], "20 destinataires au maximum."),
        ({"subject": ""}, [], "Le sujet est obligatoire."),
        ({"subject": "x" * 256}, [], "Le sujet fait au plus 255 caractères."),
        ({"body": typed(" ", "")}, [], "Le message est vide."),
        ({"body": "null"}, [], "Le message est vide."),
        ({"body": "<p>Du HTML écrit à la main</p>"}, [], UNREADABLE),
        ({}, [("virus.exe", b"MZ\x90\x00" + b"\x00" * 60)], "« virus.exe » n'est pas un type de fichier accepté."),
        ({}, [(f"f{n}.pdf", PDF_BYTES) for n in range(11)], "10 fichiers au maximum."),
    ],
)
def test_errors_are_shown_in_french_and_nothing_typed_is_lost(
    client, agent, case, data, files, error, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    written = {"to": "tiers@mairie.fr", "subject": "Mon sujet", "body": typed("Mon texte", "sur deux lignes")} | data
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    response = send(client, case, written | ({"files": uploads} if uploads else {}), django_capture_on_commit_callbacks)
    assert response.status_code == 200
    content = text_of(response)
    assert error in content
    assert "Rien n'a été envoyé : corrigez les erreurs signalées." in content
    assert input_value(content, "to") == written["to"]
    assert input_value(content, "subject") == written["subject"]
    if "body" not in data:
        assert editor_text(response.content.decode(), "body") == "Mon texte\nsur deux lignes"
    assert "data-bound" in content, "a draft must not overwrite what the server kept"
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_reply_goes_to_the_sender_with_the_same_subject(client, agent, case):
    received = MessageFactory(
        cases=[case], from_email="Camille Durand <Camille.Durand@exemple.fr>", subject="Re: Ma facture de cantine"
    )
    client.force_login(agent)
    content = text_of(client.get(url("message_compose", case) + f"?reply_to={received.pk}"))
    assert input_value(content, "to") == "camille.durand@exemple.fr"
    assert input_value(content, "subject") == "Ma facture de cantine"
    assert "Réponse au message « Re: Ma facture de cantine »" in content
    assert "data-draft-key" not in content

    unprefixed = MessageFactory(cases=[case], from_email="eau@mairie.fr", subject="Relevé de compteur")
    content = text_of(client.get(url("message_compose", case) + f"?reply_to={unprefixed.pk}"))
    assert (input_value(content, "to"), input_value(content, "subject")) == ("eau@mairie.fr", "Relevé de compteur")


def test_reply_to_an_answer_to_our_email_keeps_the_subject_the_agent_gave(client, agent, case):
    ours = MessageFactory(
        cases=[case],
        direction=Message.Direction.OUT,
        status=Message.State.SENT,
        subject=f"Dossier n°{case.number} — Nouveau message du médiateur",
        content_subject="Date de votre facture",
    )
    answer = MessageFactory(
        cases=[case],
        subject="Re: Nouveau message pour votre dossier",
        in_reply_to=ours.message_id,
        references=f"<autre@exemple.fr> {ours.message_id}",
    )
    client.force_login(agent)
    content = text_of(client.get(url("message_compose", case) + f"?reply_to={answer.pk}"))
    assert input_value(content, "subject") == "Date de votre facture"


def test_reply_to_a_message_of_another_case_is_404(client, agent, case, authority):
    other_case = CaseFactory(authority=authority)
    foreign = MessageFactory(cases=[other_case], from_email="secret@exemple.fr")
    client.force_login(agent)
    for value in (foreign.pk, foreign.pk + 1000, "abc"):
        response = client.get(url("message_compose", case) + f"?reply_to={value}")
        assert response.status_code == 404
        assert "secret@exemple.fr" not in response.content.decode()
        assert client.post(url("message_compose", case) + f"?reply_to={value}", {}).status_code == 404


def test_a_failed_message_is_shown_in_red_and_can_be_sent_again(
    client, agent, case, mail_settings, provider_api, django_capture_on_commit_callbacks
):
    case.citizen.email = ""
    case.citizen.save()
    provider_api.add("POST", MAILJET_SEND, status=500, body="erreur interne")
    provider_api.add("POST", BREVO_SEND, status=502, body="passerelle")
    mail_settings.ANYMAIL = {
        **mail_settings.ANYMAIL,
        "MAILJET_API_KEY": "k",
        "MAILJET_SECRET_KEY": "s",
        "BREVO_API_KEY": "b",
    }
    client.force_login(agent)
    data = {"to": "tiers@mairie.fr", "subject": "Relance", "body": typed("Merci de répondre.")}
    assert send(client, case, data, django_capture_on_commit_callbacks).status_code == 302
    message = case.messages.get()
    assert message.status == Message.State.QUEUED
    content = panel(client, case)
    assert "En file d'attente" in content and "Échec de l'envoi" not in content
    for _ in range(outbound.MAX_ATTEMPTS - 1):
        deliver(message.pk)
    message.refresh_from_db()
    assert message.status == Message.State.FAILED
    content = panel(client, case)
    assert '<span class="w-status case-status--failed">' in content
    assert "Échec de l'envoi" in content
    assert "case-message-card--failed" in content
    assert f"?reply_to={message.pk}" in content and "Renvoyer" in content
    response = client.get(url("message_compose", case) + f"?reply_to={message.pk}")
    compose = text_of(response)
    assert "Renvoyer le message" in compose
    assert input_value(compose, "to") == "tiers@mairie.fr"
    assert input_value(compose, "subject") == "Relance"
    assert editor_text(response.content.decode(), "body") == "Merci de répondre.", "the failed message, in Draftail"


def test_statuses_rejected_files_and_inline_images(client, agent, case):
    undelivered = MessageFactory(
        cases=[case], direction=Message.Direction.OUT, status=Message.State.UNDELIVERED, to=["x@mairie.fr"]
    )
    MessageFactory(cases=[case], direction=Message.Direction.OUT, status=Message.State.SENT, to=["ok@mairie.fr"])
    received = MessageFactory(
        cases=[case],
        html='<p>Voir <img src="cid:photo@1" alt="compteur"> <img src="https://pisteur.example/x.gif"></p>'
        '<p onclick="x()">Fin<script>alert(1)</script></p>',
        rejected_files=[{"name": "macro.xlsm", "reason": "« macro.xlsm » n'est pas un type de fichier accepté."}],
    )
    image = AttachmentFactory(
        case=None, message=received, name="compteur.png", content_type="image/png", data=PNG_BYTES, inline_cid="photo@1"
    )
    client.force_login(agent)
    content = panel(client, case)
    raw = response_html(client, case)
    assert "Non distribué" in content and "Envoyé à x@mairie.fr" in content
    assert f"?reply_to={undelivered.pk}" in content
    assert "Envoyé à ok@mairie.fr" in content
    assert "macro.xlsm" in content and "Pièces jointes refusées" in content
    download = url("document_download", case, attachment_pk=image.pk)
    assert f'<img src="{download}" alt="compteur">' in raw
    assert "pisteur.example" not in raw and "alert(1)" not in raw and "onclick" not in raw
    assert client.get(download).content == PNG_BYTES


def test_to_process_then_processed_then_to_process_again(client, agent, case):
    received = MessageFactory(cases=[case], subject="Ma réponse au médiateur")
    client.force_login(agent)
    content = panel(client, case)
    assert content.count(f'data-message="{received.pk}"') == 1, "each message once in the thread"
    assert "1 message à traiter" in content and "Marquer comme traité" in content

    response = client.post(url("message_processed", case, message_pk=received.pk), {"processed": "1"})
    assert response.url == url("detail", case) + "#fil-section"
    assert MessageCase.objects.get(case=case, message=received).processed is True
    content = panel(client, case)
    assert "message à traiter" not in content
    assert "Ma réponse au médiateur" in content
    assert "Marquer à traiter" in content

    client.post(url("message_processed", case, message_pk=received.pk), {"processed": "0"})
    assert MessageCase.objects.get(case=case, message=received).processed is False
    assert Case.objects.with_unprocessed_count().get(pk=case.pk).unprocessed_count == 1


def test_only_received_messages_of_this_case_are_marked(client, agent, case, authority):
    outgoing = MessageFactory(cases=[case], direction=Message.Direction.OUT, status=Message.State.SENT)
    client.force_login(agent)
    assert client.get(url("message_processed", case, message_pk=outgoing.pk)).status_code == 405
    response = client.post(url("message_processed", case, message_pk=outgoing.pk), {"processed": "1"}, follow=True)
    assert "Seuls les messages reçus se marquent comme traités." in text_of(response)
    assert MessageCase.objects.get(message=outgoing).processed is None
    foreign = MessageFactory(cases=[CaseFactory(authority=authority)])
    assert client.post(url("message_processed", case, message_pk=foreign.pk), {"processed": "1"}).status_code == 404
    assert MessageCase.objects.get(message=foreign).processed is False


def fill_messages(case: Case, count: int, colleague) -> None:
    for index in range(count):
        if index % 2:
            message = MessageFactory(
                cases=[case], direction=Message.Direction.OUT, status=Message.State.SENT, sent_by=colleague
            )
        else:
            message = MessageFactory(cases=[case], html='<p>Photo <img src="cid:c@1"></p>')
        AttachmentFactory(case=None, message=message, inline_cid="c@1" if not index % 2 else "")


def test_case_page_queries_do_not_grow_with_messages(client, authority, agent):
    small, large = CaseFactory(authority=authority), CaseFactory(authority=authority)
    fill_messages(small, 2, member_of(authority, Role.AGENT))
    fill_messages(large, 20, member_of(authority, Role.AGENT))
    client.force_login(agent)
    count_queries(client, small)  # warm the session and caches
    assert count_queries(client, small) == count_queries(client, large)
    assert text_of(client.get(url("detail", large))).count("Marquer comme traité") == 10, "each once"
