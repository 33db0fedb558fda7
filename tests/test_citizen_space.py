"""The citizen's case page without an account (issue 15): keys, session, page, answer, withdrawal, recovery."""

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.choices import Outcome, Status, Transmitter
from cases.citizen import keys
from cases.citizen.masking import redact
from cases.citizen.models import AccessKey
from cases.models import Attachment, CaseEvent, InboundEmail, Message, MessageCase
from cases.privacy.anonymise import anonymise_batch
from tests.factories import CaseFactory
from tests.workspace_factories import PDF_BYTES, AttachmentFactory, MessageFactory, NoteFactory, fast_passwords  # noqa: F401

CASE_PAGE = "/suivi/dossier/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def case(authority, agent):
    case = CaseFactory(authority=authority)
    case.citizen.first_name, case.citizen.last_name, case.citizen.email = "Camille", "Durand", "camille@exemple.fr"
    case.citizen.save()
    return case


def exchange_url(secret: str) -> str:
    return reverse("citizen:exchange", args=[secret])


def open_page(client, case) -> str:
    secret = keys.issue_link(case, case.citizen.email)
    response = client.get(exchange_url(secret))
    assert response.status_code == 302 and response.url == CASE_PAGE
    return secret


def normalised(response) -> str:
    """The page without what changes at each request (CSP nonces, CSRF tokens)."""
    body = re.sub(r'nonce="[^"]+"', "", response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def refusal_body(client) -> str:
    response = client.get(CASE_PAGE)
    assert response.status_code == 404
    return normalised(response)


# Keys -----------------------------------------------------------------------------------------------


def test_a_link_is_stored_hashed_with_the_email_hashed_too(case):
    secret = keys.issue_link(case, case.citizen.email)
    assert len(secret) >= 43  # 32 random bytes, base64: 256 bits
    key = AccessKey.objects.get()
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    row = " ".join(str(value) for value in AccessKey.objects.values().get().values())
    assert secret not in row and "camille@exemple.fr" not in row


def test_the_link_opens_a_session_and_lands_on_a_url_without_it(client, case, caplog):
    caplog.set_level(logging.DEBUG)
    secret = keys.issue_link(case, case.citizen.email)
    response = client.get(exchange_url(secret))
    assert response.status_code == 302
    assert response.url == CASE_PAGE and secret not in response.url
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
    cookie = response.cookies[keys.COOKIE_NAME]
    assert cookie["httponly"] and cookie["path"] == "/suivi/" and secret not in cookie.value
    page = client.get(CASE_PAGE)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer" and "no-store" in page["Cache-Control"]
    body = page.content.decode()
    assert f"Dossier n°{case.number}" in body and "Ville de Démo" in body and secret not in body
    assert secret not in caplog.text
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CITIZEN_PAGE_OPENED).count() == 1


def test_every_refused_key_gets_the_same_page(client, case, authority):
    good = refusal_body(client)  # no session at all
    other = CaseFactory(authority=authority)
    revoked = keys.issue_link(case, case.citizen.email)
    keys.revoke_all(None, case)
    other_email = keys.issue_link(case, "quelquun@exemple.fr")
    valid = keys.issue_link(case, case.citizen.email)
    altered = valid[:-1] + ("A" if valid[-1] != "A" else "B")
    code_of_other_case = keys.issue_letter_code(None, other)
    expired_code = keys.issue_letter_code(None, case)
    AccessKey.objects.filter(kind=AccessKey.Kind.LETTER_CODE, case=case).update(expires_at=timezone.now())
    for secret in (revoked, other_email, altered, "x" * 300):
        response = client.get(exchange_url(secret))
        assert response.url == CASE_PAGE and secret not in response.url
        assert refusal_body(client) == good
    for number, code in ((case.number, code_of_other_case), (case.number, expired_code)):
        response = client.post(reverse("citizen:letter_code"), {"number": number, "code": code})
        assert response.status_code == 200
        assert refusal_body(client) == good
    assert "Ce lien ne permet pas d'ouvrir un dossier" in good


def test_a_changed_email_or_a_revocation_ends_an_open_session(client, case):
    open_page(client, case)
    assert client.get(CASE_PAGE).status_code == 200
    case.citizen.email = "nouvelle@exemple.fr"
    case.citizen.save()
    assert client.get(CASE_PAGE).status_code == 404
    case.citizen.email = "camille@exemple.fr"
    case.citizen.save()
    open_page(client, case)
    keys.revoke_all(None, case)
    assert client.get(CASE_PAGE).status_code == 404


def test_anonymisation_deletes_the_keys_and_closes_the_sessions(client, case):
    open_page(client, case)
    case.closed_at, case.outcome = timezone.now(), Outcome.PARTIAL
    case.save()
    anonymise_batch([case.number], timezone.now(), eligible=type(case).objects.all())
    assert not AccessKey.objects.filter(case=case).exists()
    assert client.get(CASE_PAGE).status_code == 404


def test_a_signed_in_member_is_never_a_citizen_here(client, case, agent):
    open_page(client, case)
    client.force_login(agent)
    response = client.get(CASE_PAGE)
    assert response.status_code == 404 and "espace des médiateurs" in response.content.decode()


def test_the_session_cookie_expires(client, case, settings):
    open_page(client, case)
    settings.CITIZEN_SESSION_SECONDS = -1
    assert client.get(CASE_PAGE).status_code == 404


def test_gunicorn_access_log_masks_the_secret():
    line = "GET /suivi/acces/abcDEF-123_x/ HTTP/1.1"
    assert redact(line) == "GET /suivi/acces/[masqué]/ HTTP/1.1"


# Letter code ------------------------------------------------------------------------------------------


def test_a_letter_code_opens_the_page_once(client, case):
    code = keys.issue_letter_code(None, case)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    key = AccessKey.objects.get(kind=AccessKey.Kind.LETTER_CODE)
    assert key.expires_at.date() == (timezone.now() + timedelta(days=90)).date()
    response = client.post(reverse("citizen:letter_code"), {"number": case.number, "code": code.lower()})
    assert response.status_code == 302 and response.url == CASE_PAGE
    assert client.get(CASE_PAGE).status_code == 200
    client.cookies.clear()
    response = client.post(reverse("citizen:letter_code"), {"number": case.number, "code": code})
    assert response.status_code == 200


# What the citizen sees ---------------------------------------------------------------------------------


def test_the_citizen_sees_their_thread_only(client, case, authority, agent):
    agent.email = "marie.agent@ville.fr"
    agent.save()
    NoteFactory(case=case, content="<p>Note interne secrète</p>")
    MessageFactory(cases=[case], from_email="camille@exemple.fr", text="Ma réponse à moi")
    MessageFactory(cases=[case], from_email="service@administration.fr", text="Réponse du service tiers")
    third = MessageFactory(
        cases=[case],
        direction=Message.Direction.OUT,
        status=Message.State.SENT,
        template="case_message_to_third_party",
        to=["service@administration.fr"],
        content_html="<p>Question au tiers</p>",
        sent_by=agent,
    )
    MessageFactory(
        cases=[case],
        direction=Message.Direction.OUT,
        status=Message.State.SENT,
        template="case_message_to_citizen",
        to=["camille@exemple.fr"],
        content_html="<p>Bonjour, pouvez-vous préciser ?</p>",
        sent_by=agent,
        from_email=f"Le médiateur <{agent.email}>",
    )
    AttachmentFactory(case=case, name="ma-facture.pdf", transmitter=Transmitter.CITIZEN)
    AttachmentFactory(case=case, name="piece-interne.pdf", transmitter=Transmitter.AGENT)
    AttachmentFactory(case=None, message=third, name="envoi-au-tiers.pdf", transmitter=Transmitter.AGENT)
    other = CaseFactory(authority=authority, description="Autre dossier")
    MessageFactory(cases=[other], from_email=other.citizen.email, text="Message de l'autre dossier")
    open_page(client, case)
    body = client.get(CASE_PAGE).content.decode()
    assert "Ma réponse à moi" in body and "Bonjour, pouvez-vous préciser ?" in body and "ma-facture.pdf" in body
    for hidden in (
        "Note interne secrète",
        "Réponse du service tiers",
        "Question au tiers",
        "piece-interne.pdf",
        "envoi-au-tiers.pdf",
        "Message de l'autre dossier",
        "marie.agent",
        agent.last_name,
        "service@administration.fr",
    ):
        assert hidden not in body, hidden


def test_the_status_reads_in_plain_words(client, case):
    case.status = Status.WAITING_FOR_ADMINISTRATION
    case.save()
    open_page(client, case)
    body = client.get(CASE_PAGE).content.decode()
    assert "Le médiateur attend la réponse de l&#x27;administration" in body and "1 à 2 mois" in body


def test_a_document_downloads_as_an_attachment_and_no_other(client, case, authority):
    mine = AttachmentFactory(case=case, name="ma-facture.pdf", transmitter=Transmitter.CITIZEN)
    internal = AttachmentFactory(case=case, name="interne.pdf", transmitter=Transmitter.AGENT)
    elsewhere = AttachmentFactory(case=CaseFactory(authority=authority), transmitter=Transmitter.CITIZEN)
    open_page(client, case)
    response = client.get(reverse("citizen:download", args=[mine.pk]))
    assert response.status_code == 200 and response.content == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff" and response["Referrer-Policy"] == "no-referrer"
    for attachment in (internal, elsewhere):
        assert client.get(reverse("citizen:download", args=[attachment.pk])).status_code == 404


# Answer online -------------------------------------------------------------------------------------------


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_an_answer_enters_the_inbound_pipeline_as_an_email_would(client, case, mail_settings):
    open_page(client, case)
    response = client.post(
        reverse("citizen:answer"), {"text": "Voici la facture demandée.", "files": [upload("facture.pdf", PDF_BYTES)]}
    )
    assert response.status_code == 302 and response.url.startswith(CASE_PAGE)
    inbound = InboundEmail.objects.get()
    assert (inbound.door, inbound.state) == (InboundEmail.Door.WEB, InboundEmail.State.THREADED)
    link = MessageCase.objects.get(case=case, message=inbound.message)
    assert link.processed is False  # « à traiter », as an emailed reply
    assert inbound.message.attachments.get().transmitter == Transmitter.CITIZEN
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_RECEIVED).exists()
    body = client.get(response.url).content.decode()
    assert "Voici la facture demandée." in body and "facture.pdf" in body


def test_nothing_typed_is_lost_on_an_error(client, case, mail_settings):
    open_page(client, case)
    response = client.post(
        reverse("citizen:answer"),
        {"text": "Mon texte", "files": [upload("facture.pdf", PDF_BYTES), upload("script.exe", b"MZ\x90\x00binary")]},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mon texte" in body and "script.exe" in body and "facture.pdf" in body
    pending = Attachment.objects.get(case__isnull=True, message__isnull=True)
    assert not InboundEmail.objects.exists()
    token = re.search(r'name="pending" value="([^"]+)"', body).group(1)
    response = client.post(reverse("citizen:answer"), {"text": "Mon texte", "pending": token})
    assert response.status_code == 302
    message = InboundEmail.objects.get().message
    assert [a.name for a in message.attachments.all()] == ["facture.pdf"]
    assert not Attachment.objects.filter(pk=pending.pk).exists()


def test_a_pending_file_of_another_case_cannot_be_claimed(client, case, authority):
    from cases.citizen.answer import sign_pending

    other = CaseFactory(authority=authority)
    stray = AttachmentFactory(case=None, transmitter=Transmitter.CITIZEN)
    open_page(client, case)
    response = client.post(reverse("citizen:answer"), {"text": "", "pending": sign_pending(other, [stray])})
    assert response.status_code == 200 and stray.name not in response.content.decode()


# Withdrawal -------------------------------------------------------------------------------------------------


def test_withdrawal_asks_for_confirmation_then_closes_and_tells_the_agent(
    client, case, agent, mail_settings, committed
):
    open_page(client, case)
    response = client.post(reverse("citizen:withdraw"), {"reason": "Le problème est réglé."})
    assert response.status_code == 200 and "Confirmez-vous" in response.content.decode()
    case.refresh_from_db()
    assert case.closed_at is None
    with committed():
        response = client.post(reverse("citizen:withdraw"), {"reason": "Le problème est réglé.", "confirmer": "oui"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Status.CLOSED, Outcome.CITIZEN_WAIVER) and case.closed_at
    subjects = {email.subject: email for email in mail.outbox}
    told = subjects[f"Dossier n°{case.number} — Le requérant a retiré sa demande"]
    assert told.to == [agent.email] and "réglé" not in told.body
    closing = subjects[f"Dossier n°{case.number} — Clôture de votre dossier"]
    assert "Vous avez renoncé à la médiation." in closing.body
    assert MessageCase.objects.filter(
        case=case, processed=False, message__text__contains="Le problème est réglé."
    ).exists()
    assert "Votre dossier est clôturé" in client.get(CASE_PAGE).content.decode()


# Recovery -----------------------------------------------------------------------------------------------------


def recover(client, number, email):
    return client.post(reverse("citizen:recover"), {"number": number, "email": email})


def test_recovery_answers_the_same_and_emails_only_a_match(client, case, mail_settings, committed):
    with committed():
        matching = recover(client, case.number, "CAMILLE@exemple.fr")
    assert len(mail.outbox) == 1
    [email] = mail.outbox
    assert email.to == ["camille@exemple.fr"] and email.subject.startswith(f"Dossier n°{case.number} — ")
    with committed():
        wrong_email = recover(client, case.number, "autre@exemple.fr")
        no_case = recover(client, case.number + 1000, "camille@exemple.fr")
    assert len(mail.outbox) == 1
    assert matching.status_code == wrong_email.status_code == no_case.status_code == 200
    assert normalised(matching) == normalised(wrong_email) == normalised(no_case)
    secret = re.search(r"/suivi/acces/([^/]+)/", email.body).group(1)
    assert client.get(exchange_url(secret)).url == CASE_PAGE
    assert client.get(CASE_PAGE).status_code == 200


def test_recovery_does_the_same_work_whether_or_not_it_matches(
    client, case, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr("cases.citizen.tasks.send_link_task", lambda number, email: calls.append(number))
    recover(client, 1, "warm-up@exemple.fr")  # the first request reads what later ones find cached
    calls.clear()
    counts = []
    for number, email in ((case.number, "camille@exemple.fr"), (case.number + 1000, "nobody@exemple.fr")):
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            recover(client, number, email)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert calls == [case.number, case.number + 1000]


def test_recovery_is_rate_limited_per_ip_and_per_case(client, case, settings, mail_settings):
    settings.CITIZEN_RECOVERY_LIMIT_PER_IP, settings.CITIZEN_RECOVERY_LIMIT_PER_CASE = 4, 2
    assert recover(client, case.number, "a@exemple.fr").status_code == 200
    assert recover(client, case.number, "b@exemple.fr").status_code == 200
    assert recover(client, case.number, "c@exemple.fr").status_code == 429  # the case's limit
    assert recover(client, case.number + 1, "d@exemple.fr").status_code == 200
    assert recover(client, case.number + 2, "e@exemple.fr").status_code == 429  # the IP's limit (5th attempt)
    other_ip = client.post(
        reverse("citizen:recover"), {"number": case.number + 3, "email": "f@exemple.fr"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other_ip.status_code == 200


# The agent's side -------------------------------------------------------------------------------------------


def test_the_case_page_says_whether_and_when_the_citizen_opened_theirs(client, case, agent):
    from tests.test_case_access_matrix import sign_in

    sign_in(client, agent)
    case_page = reverse("case:detail", args=[case.number])
    assert "n'a pas encore ouvert sa page de suivi" in client.get(case_page).content.decode()
    citizen = client.__class__()
    open_page(citizen, case)
    body = client.get(case_page).content.decode()
    assert "dernière visite le" in body and "Suivi en ligne ouvert par le requérant" in body


def test_the_agent_sends_a_new_link_and_revokes_them_all(client, case, agent, mail_settings, committed):
    from tests.test_case_access_matrix import sign_in

    citizen = client.__class__()
    old = open_page(citizen, case)
    sign_in(client, agent)
    with committed():
        response = client.post(reverse("citizen_send_link", args=[case.number]))
    assert response.status_code == 302
    [email] = mail.outbox
    assert (
        email.to == ["camille@exemple.fr"]
        and email.subject == f"Dossier n°{case.number} — Votre lien pour suivre votre dossier"
    )
    stored = Message.objects.get(template="citizen_link")
    new = re.search(r"/suivi/acces/([^/]+)/", email.body).group(1)
    assert new not in stored.text and new not in stored.html and "/suivi/retrouver/?dossier=" in stored.text
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CITIZEN_LINK_SENT, actor=agent).exists()
    assert citizen.get(CASE_PAGE).status_code == 200  # the old links stay valid
    client.post(reverse("citizen_revoke", args=[case.number]))
    assert citizen.get(CASE_PAGE).status_code == 404
    for secret in (old, new):
        citizen.get(exchange_url(secret))
        assert citizen.get(CASE_PAGE).status_code == 404
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CITIZEN_LINKS_REVOKED, actor=agent).exists()


def test_the_agent_prints_a_letter_with_a_one_time_code(client, case, agent):
    from tests.test_case_access_matrix import sign_in

    case.citizen.email, case.citizen.street, case.citizen.postal_code, case.citizen.city = (
        "",
        "1 rue Haute",
        "29200",
        "Brest",
    )
    case.citizen.save()
    sign_in(client, agent)
    response = client.post(reverse("citizen_letter", args=[case.number]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    body = response.content.decode()
    code = re.search(r'class="letter-code">([^<]+)<', body).group(1)
    assert f"<strong>{case.number}</strong>" in body and "1 rue Haute" in body and "/suivi/code/" in body
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CITIZEN_LETTER_ISSUED, actor=agent).exists()
    citizen = client.__class__()
    response = citizen.post(reverse("citizen:letter_code"), {"number": case.number, "code": code})
    assert response.status_code == 302 and citizen.get(CASE_PAGE).status_code == 200


def test_every_email_to_the_citizen_carries_a_personal_link_the_outbox_never_keeps(
    client, case, agent, mail_settings, committed
):
    from cases.mail.messenger import send_case_message

    with committed():
        send_case_message(
            case, agent, ["camille@exemple.fr", "tiers@exemple.fr"], [], "Votre facture", "<p>Bonjour</p>"
        )
    by_to = {tuple(email.to): email for email in mail.outbox}
    to_citizen, to_third = by_to[("camille@exemple.fr",)], by_to[("tiers@exemple.fr",)]
    assert to_citizen.subject.startswith(f"Dossier n°{case.number} — ")
    secret = re.search(r"/suivi/acces/([^/]+)/", to_citizen.body).group(1)
    assert secret in to_citizen.alternatives[0][0]
    assert "/suivi/acces/" not in to_third.body
    assert not Message.objects.filter(text__contains=secret).exists()
    assert not Message.objects.filter(html__contains=secret).exists()
    assert client.get(exchange_url(secret)).url == CASE_PAGE and client.get(CASE_PAGE).status_code == 200


def test_forms_posted_under_no_referrer_pass_the_csrf_check_but_not_without_the_token(case, mail_settings):
    """Under `no-referrer` browsers post with `Origin: null` and no Referer: the token alone decides."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("citizen:recover"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    data = {"number": case.number, "email": "camille@exemple.fr"}
    assert client.post(reverse("citizen:recover"), data, HTTP_ORIGIN="null").status_code == 403
    response = client.post(reverse("citizen:recover"), {**data, "csrfmiddlewaretoken": token}, HTTP_ORIGIN="null")
    assert response.status_code == 200 and "Demande enregistrée" in response.content.decode()
    elsewhere = {**data, "csrfmiddlewaretoken": token}
    assert client.post(reverse("citizen:recover"), elsewhere, HTTP_ORIGIN="https://ailleurs.example").status_code == 403


def test_error_reports_mask_the_secret_of_a_link():
    from mediature.sentry import scrub_event

    event = scrub_event({"request": {"url": "https://mediature.example/suivi/acces/s3cr3t-ToKeN/", "method": "GET"}})
    assert event["request"]["url"] == "https://mediature.example/suivi/acces/[masqué]/"


def test_keys_and_events_write_no_reference_index_row(client, case):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    open_page(client, case)
    for model in (AccessKey, keys.AccessEvent):
        assert not ReferenceIndex.objects.filter(base_content_type=ContentType.objects.get_for_model(model)).exists()


def test_no_authority_may_take_the_spaces_address(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post("/admin/collectivites/new/", {"name": "Suivi", "slug": "suivi", "type": "city"})
    assert "réservé au suivi en ligne des dossiers" in response.content.decode()
