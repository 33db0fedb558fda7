"""The service functions the case page calls: send, mark processed, suggestions, unprocessed counts."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from authorities.models import Authority
from cases.mail.messenger import (
    has_unprocessed,
    mark_processed,
    recipient_suggestions,
    send_case_message,
    unprocessed_count,
)
from cases.mail.sanitize import resolve_inline_images
from cases.models import Case, CaseEvent, Message, MessageCase
from cases.uploads import RejectedFile
from tests.factories import CaseFactory

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def case(mail_settings, authority):
    return CaseFactory(authority=authority, citizen__email="Camille.Durand@exemple.fr")


def send(case, agent, to, cc=(), html="<p>Bonjour, <b>merci</b> pour votre envoi.</p>", files=()):
    return send_case_message(case, agent, to, cc, "Votre facture", html, files)


def test_the_citizen_and_the_third_parties_get_their_own_emails(case, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(
            case,
            agent,
            ["camille.durand@exemple.fr", "service.eau@mairie.fr"],
            ["juriste@mairie.fr"],
            files=[("Facture.pdf", PDF)],
        )
    to_citizen, to_others = sorted(
        mail.outbox, key=lambda email: email.subject != f"Dossier n°{case.number} — Nouveau message du médiateur"
    )
    assert to_citizen.to == ["camille.durand@exemple.fr"] and to_citizen.cc == []
    assert to_others.subject == "Un médiateur vous a écrit"
    assert (to_others.to, to_others.cc) == (["service.eau@mairie.fr"], ["juriste@mairie.fr"])
    for email in (to_citizen, to_others):
        assert email.reply_to == [case.reply_address]
        assert email.from_email.startswith("Le médiateur <")
        assert "Votre facture" in email.body and "merci" in email.body
        assert email.attachments == [("Facture.pdf", PDF, "application/pdf")]
        assert "Auto-Submitted" not in email.extra_headers
    assert message.to == ["camille.durand@exemple.fr"]
    assert (message.content_subject, message.content_html) == (
        "Votre facture",
        "<p>Bonjour, <b>merci</b> pour votre envoi.</p>",
    )
    assert case.messages.filter(status=Message.State.SENT, sent_by=agent).count() == 2
    assert MessageCase.objects.filter(case=case, processed__isnull=True).count() == 2
    assert CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.MESSAGE_SENT).actor == agent


def test_only_third_parties_means_one_email_and_no_citizen_copy(case, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(case, agent, ["a@mairie.fr", "b@mairie.fr"])
    [email] = mail.outbox
    assert email.to == ["a@mairie.fr", "b@mairie.fr"]
    assert message.template == "case_message_to_third_party"


def test_the_html_is_sanitised(case, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send(
            case,
            agent,
            ["a@mairie.fr"],
            html='<p onclick="x()">Texte<script>alert(1)</script></p><iframe src="https://x"></iframe>',
        )
    assert message.content_html == "<p>Texte</p>"
    assert "<script" not in message.html and "<iframe" not in message.html


@pytest.mark.parametrize(
    ("to", "html", "files", "error"),
    [
        ([], "<p>x</p>", (), ValidationError),
        (["pas-une-adresse"], "<p>x</p>", (), ValidationError),
        (["a@mairie.fr"], "<p> </p><script>x</script>", (), ValidationError),
        (["a@mairie.fr"], "<p>x</p>", [("virus.exe", b"MZ\x90\x00" + b"\x00" * 60)], RejectedFile),
        (["a@mairie.fr"], "<p>x</p>", [(f"f{n}.pdf", PDF) for n in range(11)], RejectedFile),
    ],
)
def test_bad_input_sends_nothing(case, agent, to, html, files, error):
    with pytest.raises(error):
        send(case, agent, to, html=html, files=files)
    assert not Message.objects.exists()


def test_an_agent_of_another_authority_cannot_send(case, other_agent):
    with pytest.raises(PermissionDenied):
        send(case, other_agent, ["a@mairie.fr"])
    assert not Message.objects.exists()


def inbound_on(*cases, processed=False):
    message = Message.objects.create(
        direction=Message.Direction.IN,
        status=Message.State.RECEIVED,
        from_email="Service <eau@mairie.fr>",
        message_id=f"<m{Message.objects.count()}@mairie.fr>",
    )
    for case in cases:
        MessageCase.objects.create(message=message, case=case, processed=processed)
    return message


def test_mark_processed_toggles_an_inbound_message_on_one_case_only(case, agent, authority):
    other = CaseFactory(authority=authority)
    message = inbound_on(case, other)
    mark_processed(case, message, True, user=agent)
    assert MessageCase.objects.get(case=case, message=message).processed is True
    assert MessageCase.objects.get(case=other, message=message).processed is False
    mark_processed(case, message, False)
    assert MessageCase.objects.get(case=case, message=message).processed is False


def test_outgoing_or_foreign_messages_cannot_be_marked(case, agent, other_agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outgoing = send(case, agent, ["a@mairie.fr"])
    with pytest.raises(ValidationError):
        mark_processed(case, outgoing, True)
    foreign = inbound_on(CaseFactory())
    with pytest.raises(ValidationError):
        mark_processed(case, foreign, True)
    with pytest.raises(PermissionDenied):
        mark_processed(case, inbound_on(case), True, user=other_agent)


def test_suggestions_are_the_citizen_then_everyone_already_on_the_case(case, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(case, agent, ["service.eau@mairie.fr"], ["Juriste@Mairie.fr"])
    inbound_on(case)
    assert recipient_suggestions(case) == [
        "camille.durand@exemple.fr",
        "eau@mairie.fr",
        "service.eau@mairie.fr",
        "juriste@mairie.fr",
    ]
    assert recipient_suggestions(CaseFactory(citizen__email="")) == []


def test_unprocessed_counts_feed_the_badges(case, authority, agent):
    case.assignee = agent
    case.save()
    other = CaseFactory(authority=authority)
    inbound_on(case)
    inbound_on(case)
    inbound_on(case, processed=True)
    inbound_on(case, other)
    counts = dict(Case.objects.annotate(n=unprocessed_count()).values_list("number", "n"))
    assert counts == {case.number: 3, other.number: 1}
    flags = dict(Case.objects.annotate(flag=has_unprocessed()).values_list("number", "flag"))
    assert flags == {case.number: True, other.number: True}
    by_authority = Authority.objects.annotate(n=unprocessed_count("case__authority")).get(pk=authority.pk)
    assert by_authority.n == 4
    assert type(agent).objects.annotate(n=unprocessed_count("case__assignee")).get(pk=agent.pk).n == 3


def test_inline_images_point_at_their_attachment():
    html = '<p><img src="cid:photo@1" alt="x"><img src="cid:absente"></p>'
    resolved = resolve_inline_images(html, {"photo@1": "/documents/12/"}.get)
    assert resolved == '<p><img src="/documents/12/" alt="x"><img src=""></p>'
