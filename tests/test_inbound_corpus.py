"""Every email of tests/mail/ through each door (issue #12): no exception, no NUL, no mojibake Python's own
decoding does not have, and each one on its case, kept aside or classified, always with a reason."""

from email import policy
from email.parser import BytesParser

import pytest

from cases.models import InboundEmail, Message
from tests.factories import CaseFactory
from tests.mailbox import DOORS, MAIL_DIR, acknowledge, addressed, load_eml

EMAILS = sorted(path.name for path in MAIL_DIR.glob("*.eml"))
# What a text decoded in the wrong charset looks like (UTF-8 read as Windows-1252), and the replacement mark.
MOJIBAKE = ("Ã©", "Ã¨", "Ã\xa0", "Ã§", "Ã‰", "â€™", "â€œ", "â€", "Ð¾", "Ñ\x81", "\ufffd")


def python_text(raw: bytes) -> str:
    """Python's own reading of the email's headers and text parts, the reference for « no new mojibake »."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    texts = [str(msg.get("subject", "")), str(msg.get("from", ""))]
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            try:
                texts.append(part.get_content())
            except Exception:  # noqa: S112 (an unknown charset: Python has no reading to compare with)
                continue
    return "\n".join(texts)


def email_for(name: str, case, message_id: str) -> bytes:
    raw = (MAIL_DIR / name).read_bytes()
    if b"{{" in raw:  # written for this project, with placeholders
        return load_eml(name, [case, CaseFactory()], message_id)
    return addressed(raw, [case.reply_address], message_id)


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("name", EMAILS)
def test_every_email_reaches_its_case_or_is_kept_aside_or_classified(inbox, mail_settings, committed, door, name):
    case = CaseFactory()
    with committed():
        ours = acknowledge(case)
    raw = email_for(name, case, ours.message_id)
    stored = inbox(door, raw)

    assert stored.state != InboundEmail.State.RECEIVED, stored.error
    assert not stored.error
    if stored.state == InboundEmail.State.THREADED:
        message = stored.message
        assert message.cases.exists()
        read = "\n".join([message.subject, message.from_email, message.text, message.html, message.full_html])
        names = [attachment.name for attachment in message.attachments.all()]
        names += [file["name"] for file in message.rejected_files]
        assert "\x00" not in read + "".join(names)
        reference = python_text(raw)
        for marker in MOJIBAKE:
            assert marker not in read or marker in reference, marker
    else:
        assert stored.reason, stored.state
        assert stored.message is None
        assert not Message.objects.filter(direction=Message.Direction.IN).exists()
    assert "\x00" not in stored.subject + stored.from_header
