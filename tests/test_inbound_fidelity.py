"""Issue #12: nothing a citizen writes is lost or hidden, on real emails collected from other projects
(tests/mail/SOURCES.md): the words an agent reads, the classification, the files kept or refused, and the
delivery status of our email after a report.

The real emails are kept as collected; `addressed` only sends them to our case. Where a test needs what no
collected email has (our Message-ID inside a report, a citizen's subject), it says so and changes that only.
"""

import html
import re
from email import policy
from email.parser import BytesParser

import pytest
from django.urls import reverse

from cases.mail import inbound
from cases.mail.sanitize import html_to_text
from cases.models import Attachment, InboundEmail, Message, MessageCase
from tests.factories import CaseFactory
from tests.mailbox import DOORS, MAIL_DIR, acknowledge, addressed


@pytest.fixture
def case(mail_settings, authority):
    return CaseFactory(authority=authority, citizen__email="bob@example.com")


@pytest.fixture
def sent(case, committed):
    with committed():
        return acknowledge(case)


def real(name: str) -> bytes:
    return (MAIL_DIR / name).read_bytes()


def with_header(raw: bytes, name: str, value: str) -> bytes:
    """The same email with one header replaced (or added): what a test needs that no collected email has."""
    head, separator, body = re.split(rb"(\r?\n\r?\n)", raw, maxsplit=1)
    lines = re.split(rb"\r?\n(?![ \t])", head)
    kept = [line for line in lines if not line.lower().startswith(name.lower().encode() + b":")]
    return b"\n".join([f"{name}: {value}".encode(), *kept]) + separator + body


@pytest.fixture
def receive(inbox, case, sent):
    """Deliver a real email of tests/mail/ to the case, in reply to our email, through a door."""

    def deliver(name_or_raw, door="mta"):
        raw = real(name_or_raw) if isinstance(name_or_raw, str) else name_or_raw
        return inbox(door, addressed(raw, [case.reply_address], sent.message_id))

    return deliver


def read(message: Message) -> str:
    """The words of the message's HTML, as the agent reads them on the case."""
    return " ".join(html_to_text(message.html).split())


def to_process(message: Message, case) -> bool:
    return MessageCase.objects.get(message=message, case=case).processed is False


def case_page(client, agent, case) -> str:
    client.force_login(agent)
    response = client.get(reverse("case:detail", args=[case.number]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# 1. Auto-replies on headers first, on subjects only with the exact phrases of mail clients ------------------


@pytest.mark.parametrize(
    ("fixture", "words"),
    [
        ("sisimai_rfc3834-01.eml", "I am currently away returning to the office on May 5th"),  # Auto-Submitted
        ("sisimai_rfc3834-02.eml", "I'm out of the office Friday"),  # Exchange: X-Auto-Response-Suppress
    ],
)
def test_an_auto_reply_is_known_by_its_headers_and_is_not_to_process(receive, case, fixture, words):
    message = receive(fixture).message
    assert message.kind == Message.Kind.AUTO_REPLY
    assert words in message.text
    assert not to_process(message, case)


@pytest.mark.parametrize(
    "subject",
    ["Absence de réponse de la mairie", "Auto : la fourrière a enlevé ma voiture", "Absence de mon fils à la cantine"],
)
def test_a_citizens_subject_that_looks_automatic_stays_to_process(receive, case, subject):
    """talon's Gmail reply under a citizen's subject (the subject is the test's)."""
    message = receive(with_header(real("talon_gmail.eml"), "Subject", subject)).message
    assert message.kind == Message.Kind.MESSAGE
    assert message.subject == subject
    assert to_process(message, case)


def test_an_auto_reply_without_headers_nor_a_client_phrase_is_shown_to_an_agent(receive, case):
    """iCloud's « Auto reply: » has no header: in doubt, an agent sees it."""
    message = receive("sisimai_rfc3834-03.eml").message
    assert message.kind == Message.Kind.MESSAGE and to_process(message, case)
    assert "I'm only sleeping." in message.text


def test_a_mailing_list_email_is_not_an_auto_reply(receive, case):
    """Precedence: bulk (an Apache mailing list, 1996)."""
    message = receive("flanker_from-encoding.eml").message
    assert message.kind == Message.Kind.MESSAGE and to_process(message, case)


# 2. Every text part of the body, in order, around an inline photo -------------------------------------------


@pytest.mark.parametrize("door", DOORS)
def test_the_words_on_both_sides_of_an_iphone_photo_are_kept_in_order(receive, case, door):
    message = receive("flanker_iphone.eml", door).message
    assert re.search(r"Hello\s+~Danielle", message.text)
    [photo] = message.attachments.all()
    assert (photo.name, photo.content_type) == ("photo.JPG", "image/jpeg")
    assert photo.inline_cid
    before, image, after = message.html.partition(f'src="cid:{photo.inline_cid}"')
    assert image and "Hello" in before and "~Danielle" in after


# 3. Attached emails: an .eml document, and its sender, date, subject and text on the case ---------------------


def test_an_email_attached_to_the_email_is_an_eml_document_and_is_read_on_the_case(receive, case, client, agent):
    message = receive("flanker_enclosed.eml").message
    [document] = message.attachments.all()
    assert (document.name, document.content_type) == ("thanks.eml", "message/rfc822")
    attached = BytesParser(policy=policy.default).parsebytes(bytes(document.content.data))
    assert attached["subject"] == "Thanks!"
    for words in ("Kirk Douglas <dan@example.com>", "Fri, 22 Apr 2011 11:21:06 -0700", "Thanks!", "kicking ass"):
        assert words in message.text
        assert words in read(message)
    assert message.text.startswith("Hello")
    assert "kicking ass" in case_page(client, agent, case)


def test_the_files_of_an_attached_email_stay_inside_its_eml(receive):
    message = receive("mail_attachment_message_rfc822.eml").message
    assert [(a.name, a.content_type) for a in message.attachments.all()] == [("ForwardedMessage.eml", "message/rfc822")]
    assert "Another PDF" in message.text and "This is the first part." in message.text
    assert message.rejected_files == []


# 4. Forwards keep what they forward --------------------------------------------------------------------------


@pytest.mark.parametrize("door", DOORS)
def test_a_forward_with_one_line_on_top_keeps_the_forwarded_email(receive, case, door):
    message = receive("mail_raw_email2.eml", door).message
    for words in (
        "We should not include these files or vcards as attachments.",
        "---------- Forwarded message ----------",
        "Is there any way these kind of files could be ignored",
    ):
        assert words in message.text
        assert words in read(message)
    assert message.full_html == ""  # nothing was hidden
    assert to_process(message, case)


def test_a_mailing_list_forward_keeps_the_forwarded_news(receive):
    message = receive("flanker_apache-message-news-mime.eml").message
    assert "someone for you to pester" in message.text
    assert "Netscape Enterprise vs. Apache Secure" in message.text  # the forwarded article, attached as message/news


# 5. HTML replies: the quoted history goes from the HTML as from the text, the whole email behind a toggle -----

HTML_REPLIES = {
    "talon_aol.eml": ("Hello", "-----Original Message-----"),
    "talon_hotmail.eml": ("Hello", "Subject: Test"),
    "talon_outlook.eml": ("Allo! Follow up MIME!", "The manager has commented on your Loop"),
    "talon_sparrow.eml": ("Hello", "On Tuesday, April 3, 2012 at 4:55 PM, xxx wrote"),
}


@pytest.mark.parametrize("fixture", HTML_REPLIES)
def test_an_html_reply_loses_its_quoted_history_like_its_text(receive, case, fixture):
    kept, quoted = HTML_REPLIES[fixture]
    message = receive(fixture).message
    assert kept in read(message)
    assert quoted not in read(message) and quoted not in message.text
    assert quoted in html_to_text(message.full_html)
    assert to_process(message, case)


def test_the_whole_email_is_one_click_away_on_the_case_page(receive, client, agent, case):
    receive("talon_sparrow.eml")
    page = case_page(client, agent, case)
    assert "Afficher le message complet" in page
    assert "On Apr 3, 2012, at 4:19 PM, bob wrote" in page


# 6. Reports: only a failure marks our email undelivered; delays, deliveries and receipts are recorded -------

REPORTS = [
    # (collected report, the Message-ID it reports on, which the test replaces with our email's)
    ("mail_multipart_report_multiple_status.eml", "<4c2a146147ac8_61ff157c4ec1652df@s.h.c.mail>", "undelivered"),
    ("sisimai_lhost-imailserver-01.eml", "<00000000.ffffffff@example.org>", "undelivered"),  # postmaster, no RFC
    ("mail_report_422.eml", "<15655788.13.1200472642578.JavaMail.Administrator@mail.ttttt.com.au>", "delayed"),
    ("sisimai_lhost-opensmtpd-06.eml", "<201612140903.uBE938DJ094645@nyaan.example.jp>", "delayed"),
    ("flanker_disposition-notification.eml", "<199509192301.23456@example.org>", "read"),
]
REASONS = {
    "undelivered": InboundEmail.Reason.BOUNCE,
    "delayed": InboundEmail.Reason.DELAYED,
    "delivered": InboundEmail.Reason.RECEIPT,
    "read": InboundEmail.Reason.RECEIPT,
}


def assert_recorded_on_no_case(stored, case, reason):
    assert (stored.state, stored.reason) == (InboundEmail.State.IGNORED, reason)
    assert stored.message is None
    assert not Message.objects.filter(direction=Message.Direction.IN).exists()
    assert not case.message_links.filter(message__direction=Message.Direction.IN).exists()


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize(("fixture", "reported", "status"), REPORTS)
def test_a_report_moves_our_email_and_reaches_no_case(inbox, case, sent, door, fixture, reported, status):
    stored = inbox(door, real(fixture).replace(reported.encode(), sent.message_id.encode()))
    assert_recorded_on_no_case(stored, case, REASONS[status])
    sent.refresh_from_db()
    assert sent.status == status


def test_a_delayed_email_is_shown_as_such_on_the_case(inbox, client, agent, case, sent):
    inbox("mta", real("mail_report_422.eml").replace(REPORTS[2][1].encode(), sent.message_id.encode()))
    page = case_page(client, agent, case)
    assert "Distribution retardée" in page and "Non distribué" not in page


def test_a_delivered_report_marks_our_email_delivered(inbox, case, sent):
    """OpenSMTPD's delay report as it reads once delivered (its Action and Status are the test's)."""
    raw = real("sisimai_lhost-opensmtpd-06.eml").replace(
        b"<201612140903.uBE938DJ094645@nyaan.example.jp>", sent.message_id.encode()
    )
    raw = re.sub(rb"Action: delayed", b"Action: delivered", raw)
    raw = re.sub(rb"Status: 4\.\d\.\d", b"Status: 2.0.0", raw)
    stored = inbox("mta", raw)
    assert_recorded_on_no_case(stored, case, InboundEmail.Reason.RECEIPT)
    sent.refresh_from_db()
    assert sent.status == Message.State.DELIVERED


def test_a_late_delay_never_undoes_a_failure(inbox, case, sent):
    bounce = real("mail_multipart_report_multiple_status.eml").replace(
        b"<4c2a146147ac8_61ff157c4ec1652df@s.h.c.mail>", sent.message_id.encode()
    )
    delay = real("mail_report_422.eml").replace(
        b"<15655788.13.1200472642578.JavaMail.Administrator@mail.ttttt.com.au>", sent.message_id.encode()
    )
    inbox("mta", bounce)
    inbox("mta", delay)
    sent.refresh_from_db()
    assert sent.status == Message.State.UNDELIVERED
    assert "5.3.0" in sent.error or sent.error


@pytest.mark.parametrize(
    "fixture",
    ["sisimai_lhost-exchange2003-01.eml", "flanker_bounce-delayed.eml", "sisimai_lhost-postfix-01.eml"],
)
def test_a_bounce_about_someone_elses_email_is_a_bounce_not_a_citizens_message(inbox, case, sent, fixture):
    """Return-Path: <> and a postmaster with an Exchange 2003 body; a sendmail « failed » after 5 days; Postfix."""
    stored = inbox("mta", addressed(real(fixture), [case.reply_address]))
    assert_recorded_on_no_case(stored, case, InboundEmail.Reason.BOUNCE)
    sent.refresh_from_db()
    assert sent.status == Message.State.SENT


# 7. Charsets part by part; NUL removed everywhere -------------------------------------------------------------


def test_one_bad_byte_in_a_utf8_email_leaves_the_rest_of_the_text_right(receive):
    """A Russian newsletter in UTF-8 with one truncated character (SpamScope's mail-parser corpus)."""
    message = receive("mailparser_mail_test_6.eml").message
    assert "Быстрее вкладывайте в золото" in message.subject
    words = read(message)
    assert "Профиль" in words and "Отписаться" in words or "Профиль" in words
    assert not re.search(r"Ð[\x80-\xbf ]|Ñ\x81", message.text)  # UTF-8 read as Windows-1252 looks like this
    assert message.text.count("\ufffd") + len(re.findall("Ñ", message.text)) <= 1


def test_raw_utf8_headers_are_read_as_utf8(receive):
    """RFC 6532: UTF-8 straight in the headers (mikel/mail)."""
    stored = receive("mail_utf8_headers.eml")
    assert stored.subject == stored.message.subject == "Säying Hello"
    assert stored.message.from_email == "Jöhn Doe <jdöe@mächine.example>"


def test_an_email_with_nul_bytes_is_kept_without_them(receive, case):
    """A malformed spam with NUL bytes in its body (SpamScope's mail-parser corpus)."""
    stored = receive("mailparser_mail_malformed_3.eml")
    assert stored.state == InboundEmail.State.THREADED
    assert "\x00" not in stored.message.text + stored.message.html + stored.message.subject


def test_nul_in_the_subject_and_the_sender_name_is_removed(receive, case):
    """talon's Yahoo reply with a NUL in its subject and in its sender's name (the NULs are the test's)."""
    raw = with_header(real("talon_yahoo.eml"), "Subject", "Re: ma\x00 demande")
    raw = with_header(raw, "From", "Alex\x00 Q <xxx@yahoo.com>")
    stored = receive(raw)
    assert stored.state == InboundEmail.State.THREADED
    assert stored.message.subject == "Re: ma demande" and stored.subject == "Re: ma demande"
    assert "\x00" not in stored.message.from_email + stored.from_header


def test_an_email_that_fails_every_attempt_is_kept_aside_and_counted(inbox, case, monkeypatch, mail_settings):
    def fail(stored):
        stored.subject = "\x00"  # what failed to be read must not make the attempt itself fail to be saved
        raise ValueError("illisible")

    monkeypatch.setattr(inbound, "thread", fail)
    stored = inbox("mta", addressed(real("talon_gmail.eml"), [case.reply_address]))
    for _attempt in range(inbound.MAX_ATTEMPTS - 1):
        inbound.process(stored.pk)
    stored.refresh_from_db()
    assert stored.attempts == inbound.MAX_ATTEMPTS
    assert (stored.state, stored.reason) == (InboundEmail.State.KEPT_ASIDE, InboundEmail.Reason.UNREADABLE)


# 8. De-duplication: one Message-ID and sender is not one email ----------------------------------------------


def test_another_email_under_the_same_message_id_and_sender_is_another_message(inbox, mail_settings):
    """talon's Gmail and Yahoo replies made to share a Message-ID and a sender (the headers are the test's)."""
    first, second = CaseFactory(), CaseFactory()
    gmail = with_header(real("talon_gmail.eml"), "Message-Id", "<meme@exemple.fr>")
    yahoo = with_header(
        with_header(real("talon_yahoo.eml"), "Message-Id", "<meme@exemple.fr>"), "From", "Megan One <xxx@gmail.com>"
    )
    one = inbox("mta", addressed(gmail, [first.reply_address])).message
    two = inbox("mailjet", addressed(yahoo, [second.reply_address])).message
    assert one != two
    assert list(one.cases.all()) == [first] and list(two.cases.all()) == [second]


def test_a_true_duplicate_is_one_message_on_the_cases_it_was_sent_to_only(inbox, mail_settings):
    first, second = CaseFactory(), CaseFactory()
    raw = real("talon_hotmail.eml")
    one = inbox("mta", addressed(raw, [first.reply_address]))
    two = inbox("brevo", addressed(raw, [first.reply_address]))
    three = inbox("mailjet", addressed(real("talon_yahoo.eml"), [second.reply_address]))
    assert one.message == two.message != three.message
    assert list(one.message.cases.all()) == [first]


# 9. Files: Windows-1252 text kept, signatures ignored silently, one notice for the cap, none to no address ----


@pytest.mark.parametrize(
    ("fixture", "signature"),
    [
        ("mail_raw_email2.eml", "smime.p7s"),
        ("flanker_signed.eml", "smime.p7s"),
        ("mail_sig_only_email.eml", "signature.asc"),
    ],
)
def test_signatures_are_neither_documents_nor_refusals(receive, fixture, signature):
    message = receive(fixture).message
    assert signature not in [a.name for a in message.attachments.all()]
    assert signature not in [file["name"] for file in message.rejected_files]
    assert not Message.objects.filter(template="rejected_attachments").exists()


def test_refused_files_beside_a_signature_get_one_notice_that_never_names_the_signature(receive, case):
    """Apple Mail, S/MIME signed, with a Ruby script and a « PDF » that is text (mikel/mail)."""
    type(case.citizen).objects.filter(pk=case.pk).update(email="foo@example.com")
    message = receive("mail_raw_email7.eml").message
    assert not message.attachments.exists()
    assert [file["name"] for file in message.rejected_files] == ["test.rb", "test.pdf"]
    [notice] = Message.objects.filter(template="rejected_attachments")
    assert notice.to == ["foo@example.com"]
    assert "test_rb" in notice.text and "test.pdf" in notice.text and "smime" not in notice.text


def test_files_over_the_cap_are_listed_in_one_line_of_one_notice(receive, case, monkeypatch):
    type(case.citizen).objects.filter(pk=case.pk).update(email="foo@example.com")
    monkeypatch.setattr(inbound, "MAX_ATTACHMENTS", 0)
    message = receive("mail_raw_email7.eml").message
    assert not message.attachments.exists()
    [notice] = Message.objects.filter(template="rejected_attachments")
    [line] = [line for line in notice.text.splitlines() if "test.pdf" in line]
    assert "test_rb, test.pdf" in line and "au-delà de 0 fichiers par message" in line


def test_no_notice_to_a_sender_without_an_address(receive, case):
    """From: is only a name (« MySurvey », mikel/mail); its refused file (a test's) is told to no one."""
    msg = BytesParser(policy=policy.default).parsebytes(real("mail_bad_subject.eml"))
    msg.make_mixed()
    msg.add_attachment(b"MZ\x90\x00programme", maintype="application", subtype="octet-stream", filename="setup.exe")
    stored = receive(msg.as_bytes())
    assert stored.state == InboundEmail.State.THREADED
    assert [file["name"] for file in stored.message.rejected_files] == ["setup.exe"]
    assert not Message.objects.filter(template="rejected_attachments").exists()


def test_a_windows_1252_text_file_is_kept(receive):
    """talon's Gmail reply with a note saved by Windows' Notepad attached (the attachment is the test's)."""
    msg = BytesParser(policy=policy.default).parsebytes(real("talon_gmail.eml"))
    msg.make_mixed()
    note = "Relevé du 3 février : 12,50 € réglés à la régie.\r\n".encode("cp1252")
    msg.add_attachment(note, maintype="text", subtype="plain", filename="releve.txt")
    message = receive(msg.as_bytes()).message
    [kept] = message.attachments.all()
    assert (kept.name, kept.content_type, bytes(kept.content.data)) == ("releve.txt", "text/plain", note)
    assert message.rejected_files == []
    assert Attachment.objects.count() == 1


# 10. The original is one click away: every part and the headers on a page of the case, and the raw .eml -----


def test_the_original_shows_every_part_and_the_headers_and_downloads_as_eml(receive, client, agent, case, sent):
    stored = receive("mail_raw_email2.eml")
    message = stored.message
    page = case_page(client, agent, case)
    original_url = reverse("case:message_original", args=[case.number, message.pk])
    assert original_url in page

    response = client.get(original_url)
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    for shown in (
        "<e85734b90505081209eaaa17b@mail.gmail.com>",  # the summary's Message-ID
        "Fwd: Signed email causes file attachments",
        "application/pkcs7-signature — smime.p7s",  # what the case page leaves out is here
        "Is there any way these kind of files could be ignored",
        "DomainKey-Signature",  # every header, behind « Tous les en-têtes »
    ):
        assert shown in body, shown

    raw = client.get(reverse("case:message_raw", args=[case.number, message.pk]))
    assert raw.status_code == 200
    assert raw["Content-Type"] == "message/rfc822"
    assert raw["Content-Disposition"] == f'attachment; filename="message-{message.pk}.eml"'
    assert raw["X-Content-Type-Options"] == "nosniff"
    assert raw.content == bytes(stored.raw)


def test_the_original_of_another_cases_message_or_of_ours_is_not_found(receive, client, agent, case, sent, authority):
    message = receive("talon_gmail.eml").message
    other = CaseFactory(authority=authority)
    client.force_login(agent)
    for number, pk in ((other.number, message.pk), (case.number, sent.pk)):
        for name in ("case:message_original", "case:message_raw"):
            assert client.get(reverse(name, args=[number, pk])).status_code == 404
