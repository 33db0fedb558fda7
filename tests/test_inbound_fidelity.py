"""Issue #12: nothing a citizen writes is lost or hidden, on real emails collected from other projects
(tests/mail/SOURCES.md): the words an agent reads, the classification, the files, our emails' delivery status."""

import html

import pytest
from django.urls import reverse

from cases.models import InboundEmail, Message, MessageCase
from tests.factories import CaseFactory
from tests.mailbox import MAIL_DIR, acknowledge, addressed


@pytest.fixture
def case(mail_settings, authority):
    return CaseFactory(authority=authority, citizen__email="bob@example.com")


@pytest.fixture
def sent(case, committed):
    with committed():
        return acknowledge(case)


@pytest.fixture
def receive(inbox, case, sent):
    """Deliver a real email of tests/mail/ to the case, in reply to our email, through a door."""
    return lambda name, door="mta": inbox(
        door, addressed((MAIL_DIR / name).read_bytes(), [case.reply_address], sent.message_id)
    )


def read(message: Message) -> str:
    """The words of the message's HTML, as the agent reads them."""
    from cases.mail.sanitize import html_to_text

    return " ".join(html_to_text(message.html).split())


def case_page(client, agent, case) -> str:
    client.force_login(agent)
    response = client.get(reverse("case:detail", args=[case.number]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# 5. HTML replies lose their quoted history like their text, the whole email stays one click away --------------


def test_a_sparrow_reply_shows_its_words_and_the_whole_email_behind_a_toggle(receive, client, agent, case):
    stored = receive("talon_sparrow.eml")

    message = stored.message
    assert stored.state == InboundEmail.State.THREADED
    assert MessageCase.objects.get(message=message, case=case).processed is False
    assert "Hello" in read(message)
    assert "On Apr 3, 2012, at 4:19 PM, bob wrote" not in message.html
    assert "On Apr 3, 2012, at 4:19 PM, bob wrote" in message.full_html
    page = case_page(client, agent, case)
    assert "Afficher le message complet" in page
    assert "On Apr 3, 2012, at 4:19 PM, bob wrote" in page
