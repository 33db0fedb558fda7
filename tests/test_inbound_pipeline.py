"""Real emails through each of the three doors, threaded onto their case (or kept aside)."""

import html
from email.message import EmailMessage

import pytest
from django.core import mail

from cases.mail.inbound import notice_name
from cases.mail.outbound import queue_email
from cases.models import CaseEvent, Citizen, InboundEmail, Message, MessageCase
from tests.factories import CaseFactory
from tests.mailbox import DOORS, acknowledge, load_eml


@pytest.fixture
def case(mail_settings):
    return CaseFactory(citizen__email="camille.durand@gmail.com")


@pytest.fixture
def sent(case, django_capture_on_commit_callbacks):
    """An email we sent about the case: replies reference its Message-ID."""
    with django_capture_on_commit_callbacks(execute=True):
        return acknowledge(case)


CLIENT_REPLIES = {
    "gmail_reply.eml": {
        "kept": "la facture date du",
        "html": "<b>3 mars</b>",
        "files": [],
    },
    "outlook_reply.eml": {
        "kept": "Le prélèvement de 120 euros a bien eu lieu",
        "html": "Je vous transmets le relevé demandé",
        "files": [("Relevé de compte mars.pdf", "application/pdf", "")],
    },
    "apple_mail_reply.eml": {
        "kept": "Voici la photo du courrier reçu",
        "html": 'src="cid:5C1A2E9B-77F0-4A51-9A3B-1F2E3D4C5B6A"',
        "files": [
            ("IMG_2044.png", "image/png", "5C1A2E9B-77F0-4A51-9A3B-1F2E3D4C5B6A"),
            ("Attestation d’hébergement №2.pdf", "application/pdf", ""),
        ],
    },
    "thunderbird_reply.eml": {
        "kept": "Le montant réclamé est de 250 € et non 205 €",
        "html": "Noël Œuvray",
        "files": [],
    },
}
QUOTED = ("Pourriez-vous", "Quel est le montant exact", "Pouvez-vous nous envoyer", "a écrit", "Objet")


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("fixture", CLIENT_REPLIES)
def test_a_client_reply_lands_on_its_case_to_process_without_the_quoted_history(inbox, case, sent, door, fixture):
    expected = CLIENT_REPLIES[fixture]
    stored = inbox(door, load_eml(fixture, [case], sent.message_id))

    assert stored.state == InboundEmail.State.THREADED
    assert stored.door == door
    message = stored.message
    assert list(message.cases.all()) == [case]
    assert MessageCase.objects.get(message=message, case=case).processed is False
    assert message.direction == Message.Direction.IN and message.kind == Message.Kind.MESSAGE
    assert expected["kept"] in message.text
    assert expected["html"] in message.html
    for quoted in QUOTED:
        assert quoted not in message.text, quoted
        assert quoted not in message.html, quoted
    assert "<script" not in message.html and "alert" not in message.html
    assert "style=" not in message.html and "class=" not in message.html
    files = [(a.name, a.content_type, a.inline_cid) for a in message.attachments.order_by("name")]
    assert files == sorted(expected["files"])
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.MESSAGE_RECEIVED).count() == 1


@pytest.mark.parametrize("door", DOORS)
def test_refused_files_are_not_kept_and_the_sender_is_told_which(inbox, case, sent, door):
    Citizen.objects.filter(pk=case.pk).update(email="noel.oeuvray@laposte.net")
    stored = inbox(door, load_eml("thunderbird_reply.eml", [case], sent.message_id))

    message = stored.message
    assert not message.attachments.exists()
    assert message.rejected_files == [
        {"name": "facture.exe", "reason": "« facture.exe » n'est pas un type de fichier accepté."}
    ]
    notice = Message.objects.get(template="rejected_attachments")
    assert notice.to == ["noel.oeuvray@laposte.net"]
    assert notice.status == Message.State.SENT
    assert notice.reply_to == case.reply_address
    assert "facture_exe : n'est pas un type de fichier accepté." in notice.text  # .exe is no accepted extension


@pytest.mark.parametrize("door", DOORS)
def test_an_auto_reply_reaches_the_case_already_processed_and_gets_no_answer(inbox, case, sent, door):
    stored = inbox(door, load_eml("auto_reply.eml", [case], sent.message_id))

    message = stored.message
    assert message.kind == Message.Kind.AUTO_REPLY
    assert "absent du bureau jusqu'au 20 mars" in message.text
    assert MessageCase.objects.get(message=message, case=case).processed is True
    assert not Message.objects.filter(direction=Message.Direction.OUT).exclude(pk=sent.pk).exists()


@pytest.mark.parametrize("door", DOORS)
def test_a_bounce_marks_our_email_undelivered_and_reaches_no_case(inbox, case, sent, door):
    stored = inbox(door, load_eml("bounce.eml", [case], sent.message_id))

    assert stored.state == InboundEmail.State.IGNORED
    assert stored.reason == InboundEmail.Reason.BOUNCE
    assert stored.message is None
    sent.refresh_from_db()
    assert sent.status == Message.State.UNDELIVERED
    assert "User unknown" in sent.error
    assert not Message.objects.filter(direction=Message.Direction.IN).exists()


@pytest.mark.parametrize("door", DOORS)
def test_one_email_to_two_cases_is_one_message_on_both_html_sanitised(inbox, mail_settings, door):
    first, second = CaseFactory(), CaseFactory()
    stored = inbox(door, load_eml("several_cases.eml", [first, second]))

    message = stored.message
    assert set(message.cases.all()) == {first, second}
    assert MessageCase.objects.filter(message=message, processed=False).count() == 2
    assert "<strong>suivies par le meme agent</strong>" in message.html
    assert "tracker" not in message.html and "javascript" not in message.html and "onclick" not in message.html
    assert '<a href="https://www.service-public.fr/" rel="noopener noreferrer nofollow">' in message.html
    assert "suivies par le meme agent" in message.text


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("forged_signature.eml", InboundEmail.Reason.FORGED_ADDRESS),
        ("unknown_case.eml", InboundEmail.Reason.UNKNOWN_RECIPIENT),
    ],
)
def test_forged_and_unknown_addresses_are_kept_aside_never_on_a_case(inbox, case, door, fixture, reason):
    stored = inbox(door, load_eml(fixture, [case]))

    assert stored.state == InboundEmail.State.KEPT_ASIDE
    assert stored.reason == reason
    assert stored.message is None
    assert not Message.objects.filter(direction=Message.Direction.IN).exists()
    assert not case.message_links.exists()
    assert mail.outbox == []


def test_the_same_email_twice_is_one_message(inbox, mail_settings):
    """Mailjet calls once per case address; a provider may retry; an MTA may pipe once per recipient."""
    first, second = CaseFactory(), CaseFactory()
    raw = load_eml("several_cases.eml", [first, second])
    one, two, three = inbox("mailjet", raw), inbox("mta", raw), inbox("brevo", raw)

    assert one.message == two.message == three.message
    assert Message.objects.filter(direction=Message.Direction.IN).count() == 1
    assert MessageCase.objects.filter(message=one.message).count() == 2


def test_more_than_five_cases_is_refused_as_spam(inbox, mail_settings):
    cases = CaseFactory.create_batch(6)
    email = plain_email("Bonjour à tous", [case.reply_address for case in cases])
    stored = inbox("mta", email.as_bytes())

    assert stored.state == InboundEmail.State.KEPT_ASIDE
    assert stored.reason == InboundEmail.Reason.TOO_MANY_CASES
    assert not MessageCase.objects.exists()


def test_five_cases_is_still_fine(inbox, mail_settings):
    cases = CaseFactory.create_batch(5)
    stored = inbox("mta", plain_email("Bonjour", [case.reply_address for case in cases]).as_bytes())
    assert stored.message.cases.count() == 5


def test_without_a_case_address_a_reply_is_threaded_by_its_references(inbox, case, sent):
    raw = load_eml("gmail_reply.eml", [case], sent.message_id).replace(
        case.reply_address.encode(), f"contact@{case.reply_address.split('@')[1]}".encode()
    )
    stored = inbox("mta", raw)
    assert list(stored.message.cases.all()) == [case]


def test_references_to_unknown_message_ids_thread_nothing(inbox, case, sent):
    raw = load_eml("gmail_reply.eml", [case], "<inconnu@ailleurs.example>").replace(
        case.reply_address.encode(), b"contact@reponses.mediature.test"
    )
    assert inbox("mta", raw).state == InboundEmail.State.KEPT_ASIDE


def test_the_case_address_matches_whatever_its_case(inbox, case):
    stored = inbox("mta", plain_email("Bonjour", [case.reply_address.upper()]).as_bytes())
    assert list(stored.message.cases.all()) == [case]


def test_an_email_from_the_platform_itself_is_ignored(inbox, case, mail_settings):
    email = plain_email("Boucle", [case.reply_address], sender=f"dossier-1-abc@{mail_settings.INBOUND_DOMAIN}")
    stored = inbox("mta", email.as_bytes())
    assert (stored.state, stored.reason) == (InboundEmail.State.IGNORED, InboundEmail.Reason.LOOP)


def plain_email(body: str, to: list[str], sender: str = "usager@exemple.fr", charset: str = "utf-8", cte=None):
    email = EmailMessage()
    email["From"] = sender
    email["To"] = ", ".join(to)
    email["Subject"] = "Ma demande"
    email.set_content(body, charset=charset, cte=cte)
    return email


ENCODED_BODIES = [
    ("iso-8859-1", "quoted-printable", "Le délégué a reçu ma lettre, merci à vous."),
    ("iso-8859-15", "base64", "Le montant est de 80 € pour l'œuvre."),
    ("iso-8859-15", "quoted-printable", "Cœur, œil et 12 € : tout y est."),
    ("utf-8", "8bit", "Réponse écrite en UTF-8 sans encodage de transfert : ça marche."),
    ("utf-8", "base64", "Emoji et accents : 👍 déjà vu."),
]


@pytest.mark.parametrize(("charset", "cte", "body"), ENCODED_BODIES)
def test_any_charset_and_transfer_encoding_is_decoded(inbox, case, charset, cte, body):
    email = plain_email(body + "\n", [case.reply_address], charset=charset, cte=cte)
    assert f"content-transfer-encoding: {cte}".encode() in email.as_bytes().lower()
    stored = inbox("mta", email.as_bytes())
    assert stored.message.text == body
    assert stored.message.html.startswith("<p>") and body[:12] in stored.message.html


def test_html_only_in_windows_1252_base64_with_an_unknown_charset_label_still_reads(inbox, case):
    email = EmailMessage()
    email["From"] = "usager@exemple.fr"
    email["To"] = case.reply_address
    email["Subject"] = "=?windows-1252?Q?R=E9clamation?="
    email.set_content("<p>Voil\xe0 ma r\xe9clamation</p>", subtype="html", charset="windows-1252", cte="base64")
    raw = email.as_bytes().replace(b"windows-1252", b"x-inconnu", 1)
    raw = raw.replace(b'charset="x-inconnu"', b'charset="x-inconnu"')
    stored = inbox("mta", raw)
    assert "Voil" in stored.message.text and "clamation" in stored.message.text


def test_attachment_names_in_any_encoding(inbox, case):
    email = plain_email("Voir pièce jointe.", [case.reply_address])
    email.add_attachment(b"%PDF-1.4\n%%EOF\n", maintype="application", subtype="pdf", filename="Décision n°3 – été.pdf")
    stored = inbox("mta", email.as_bytes())
    [attachment] = stored.message.attachments.all()
    assert attachment.name == "Décision n°3 – été.pdf"
    assert bytes(attachment.content.data) == b"%PDF-1.4\n%%EOF\n"


def test_kept_aside_emails_are_listed_for_platform_admins_only(inbox, case, client, platform_admin, agent):
    inbox("mta", load_eml("forged_signature.eml", [case]))
    url = "/admin/snippets/cases/inboundemail/"
    client.force_login(agent)
    assert client.get(url).status_code in (302, 403)
    client.force_login(platform_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert "Adresse de dossier falsifiée" in response.content.decode()


# Notices of refused files: only to a known sender, quoting names that cannot become links ----------------


def with_refused_file(sender: str, to: list[str], name: str = "facture.exe") -> bytes:
    email = plain_email("Voici ma pièce jointe.", to, sender=sender)
    email.add_attachment(b"MZ\x90\x00programme", maintype="application", subtype="octet-stream", filename=name)
    return email.as_bytes()


def notices() -> list[Message]:
    return list(Message.objects.filter(template="rejected_attachments"))


def test_a_forged_sender_gets_no_notice_but_the_agent_sees_the_refused_file(inbox, case):
    """Backscatter: a forged From: made the platform mail whoever the forger named, quoting the forger's file name."""
    stored = inbox("mta", with_refused_file("victime@exemple.org", [case.reply_address], "www.faux-site.example"))
    assert stored.state == InboundEmail.State.THREADED
    assert stored.message.rejected_files == [
        {"name": "www.faux-site.example", "reason": "« www.faux-site.example » n'est pas un type de fichier accepté."}
    ]
    assert notices() == []


def test_the_citizen_is_told_whatever_the_case_of_the_address(inbox, case):
    inbox("mta", with_refused_file("Camille <Camille.Durand@gmail.com>", [case.reply_address]))
    [notice] = notices()
    assert notice.to == ["Camille.Durand@gmail.com"]
    assert notice.reply_to == case.reply_address


def test_a_third_party_the_case_wrote_to_is_told(inbox, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        context = {"case": case, "citizen": case.citizen, "send_copy": False, "answers": []}
        queue_email("case_acknowledgement", ["autre@exemple.fr"], context, case=case, cc=["Urbanisme@Mairie.fr"])
    inbox("mta", with_refused_file("urbanisme@mairie.fr", [case.reply_address]))
    [notice] = notices()
    assert notice.to == ["urbanisme@mairie.fr"]


def test_writing_first_does_not_make_a_sender_known(inbox, case):
    """A forger cannot make itself known with a first email, then have the second one's notice sent."""
    inbox("mta", plain_email("Bonjour.", [case.reply_address], sender="victime@exemple.org").as_bytes())
    inbox("mta", with_refused_file("victime@exemple.org", [case.reply_address]))
    assert notices() == []


def test_the_notice_comes_from_the_case_the_sender_is_known_on(inbox, case, mail_settings):
    other = CaseFactory(citizen__email="dominique@exemple.fr")
    inbox("mta", with_refused_file("dominique@exemple.fr", [case.reply_address, other.reply_address]))
    [notice] = notices()
    assert notice.reply_to == other.reply_address


def test_the_notice_quotes_a_safe_name_once_with_a_reason_of_its_own(inbox, case):
    name = "www.banque-exemple.fr payez sur https://banque-exemple.fr " + "x" * 200 + ".zip"
    inbox("mta", with_refused_file(case.citizen.email, [case.reply_address], name))
    [notice] = notices()
    shown = notice_name(name)
    assert len(shown) == 80 and shown.endswith("…")
    for body in (notice.text, html.unescape(notice.html)):
        assert shown in body
        assert "n'est pas un type de fichier accepté." in body
        assert "banque-exemple.fr" not in body and "www.banque" not in body and "https://banque" not in body


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("facture.pdf", "facture.pdf"),
        ("Relevé de compte mars 2024.PDF", "Relevé de compte mars 2024.PDF"),
        ("photo.jpeg", "photo.jpeg"),
        ("payez-ici.zip", "payez-ici_zip"),
        ("www.faux-site.example", "www_faux-site_example"),
        ("faux-site.example.pdf", "faux-site_example.pdf"),
        ("paiement@faux-site.example", "paiement_faux-site_example"),
        ("https://faux-site.example/facture.pdf", "facture.pdf"),  # only the base name is ever kept
        ("faux\u3002site\uff0eexample", "faux_site_example"),
        ("relev\u202efdp.exe", "relevfdp_exe"),  # the bidi control is taken out first
        ("a" * 100 + ".pdf", "a" * 75 + "….pdf"),
    ],
)
def test_a_refused_name_is_quoted_bounded_and_link_free(name, shown):
    assert notice_name(name) == shown
