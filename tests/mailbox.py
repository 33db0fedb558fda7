"""Real MIME messages (tests/mail/*.eml) and the three inbound doors, for the mail tests.

The .eml files hold placeholders for what only exists at test time: {{REPLY_1}},
{{REPLY_2}} (case reply addresses), {{NUMBER_1}}, {{DOMAIN}}, {{MESSAGE_ID_1}}
(the Message-ID of one of our outgoing emails) and {{MESSAGE_ID_1_BARE}}.
The provider payloads are built from the same bytes the way Mailjet's parse API
and Brevo's inbound webhook present an email; only their HTTP APIs are mocked.
"""

import base64
import io
import json
import re
import sys
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from pathlib import Path

import responses
from django.conf import settings
from django.core.management import call_command

MAIL_DIR = Path(__file__).parent / "mail"
WEBHOOK_SECRET = "mediature:secret-de-test-des-webhooks"
DOORS = ("mta", "mailjet", "brevo")
BREVO_API = "https://api.brevo.com/v3/"
MAILJET_SEND = "https://api.mailjet.com/v3.1/send"


def load_eml(name: str, cases=(), message_id: str = "") -> bytes:
    raw = (MAIL_DIR / name).read_bytes()
    values = {"DOMAIN": settings.INBOUND_DOMAIN}
    for index, case in enumerate(cases, start=1):
        values[f"REPLY_{index}"] = case.reply_address
        values[f"NUMBER_{index}"] = str(case.number)
    if message_id:
        values["MESSAGE_ID_1"] = message_id
        values["MESSAGE_ID_1_BARE"] = message_id.strip("<>")
    for key, value in values.items():
        raw = raw.replace(b"{{" + key.encode() + b"}}", value.encode())
    assert b"{{" not in raw, f"placeholder left in {name}"
    return raw


def addressed(raw: bytes, to: list[str], message_id: str = "") -> bytes:
    """A real email (kept as it was collected, see tests/mail/SOURCES.md) sent to our addresses: its To:, Cc:
    and delivery headers replaced by `to`, and, with `message_id`, In-Reply-To our email. Nothing else changes."""
    head, separator, body = re.split(rb"(\r?\n\r?\n)", raw, maxsplit=1)
    newline = b"\r\n" if separator.startswith(b"\r") else b"\n"
    kept, skipping = [], False
    for line in re.split(rb"\r?\n", head):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        skipping = line.split(b":", 1)[0].strip().lower().decode("ascii", "replace") in ADDRESSING_HEADERS
        if not skipping:
            kept.append(line)
    added = [b"To: " + ", ".join(to).encode()]
    if message_id:
        added += [b"In-Reply-To: " + message_id.encode(), b"References: " + message_id.encode()]
    return newline.join(added + kept) + separator + body


ADDRESSING_HEADERS = {"to", "cc", "delivered-to", "x-original-to", "envelope-to", "in-reply-to", "references"}


def acknowledge(case):
    """Our acknowledgement of the case, queued (and sent once committed): replies reference its Message-ID."""
    from cases.mail.outbound import queue_email

    context = {"case": case, "citizen": case.citizen, "send_copy": False, "answers": []}
    return queue_email("case_acknowledgement", [case.citizen.email], context, case=case)


def basic_auth(secret: str = WEBHOOK_SECRET) -> str:
    return "Basic " + base64.b64encode(secret.encode()).decode()


def parsed(raw: bytes):
    return BytesParser(policy=policy.default).parsebytes(raw)


def unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]+", " ", value)


def provider_headers(msg) -> dict:
    headers = {}
    for name, value in msg.raw_items():
        headers.setdefault(name, []).append(unfold(value))
    return {name: values[0] if len(values) == 1 else values for name, values in headers.items()}


def leaves(part):
    """The parts a provider lists: a report's block or an attached email (message/*) is one part, not the header
    blocks or the parts Python splits it into."""
    if part.get_content_maintype() == "message" or not part.is_multipart():
        yield part
        return
    for child in part.iter_parts():
        yield from leaves(child)


def content(part) -> bytes:
    if part.is_multipart():  # a message/* part as it was sent: its blocks one after the other
        return b"\r\n".join(block.as_bytes() for block in part.get_payload())
    return part.get_payload(decode=True) or b""


def bodies_and_files(msg):
    text_part, html_part = msg.get_body(("plain",)), msg.get_body(("html",))
    files = [part for part in leaves(msg) if part is not text_part and part is not html_part]
    text = text_part.get_content() if text_part is not None else None
    html = html_part.get_content() if html_part is not None else None
    return text, html, files


def mailjet_payload(raw: bytes) -> dict:
    msg = parsed(raw)
    text, html, files = bodies_and_files(msg)
    payload = {
        "Sender": parseaddr(str(msg["from"]))[1],
        "Recipient": getaddresses([str(msg["to"])])[0][1],
        "Date": str(msg["date"]),
        "From": str(msg["from"]),
        "Subject": str(msg["subject"] or ""),
        "Headers": provider_headers(msg),
        "SpamAssassinScore": "0.102",
        "Parts": [],
    }
    if text is not None:
        payload["Text-part"] = text
    if html is not None:
        payload["Html-part"] = html
    for index, part in enumerate(files, start=1):
        reference = f"Attachment{index}"
        payload["Parts"].append({"ContentRef": reference, "Headers": provider_headers(part)})
        payload[reference] = base64.b64encode(content(part)).decode()
    return payload


def brevo_payload(raw: bytes, api: responses.RequestsMock) -> dict:
    """Brevo gives attachments as download tokens: their content is served by the (mocked) Brevo API."""
    msg = parsed(raw)
    text, html, files = bodies_and_files(msg)
    attachments = []
    for index, part in enumerate(files, start=1):
        token = f"jeton-{index}"
        data = content(part)
        api.add(
            responses.GET, f"{BREVO_API}inbound/attachments/{token}", body=data, content_type=part.get_content_type()
        )
        attachments.append(
            {
                "Name": part.get_filename(),
                "ContentType": part.get_content_type(),
                "ContentLength": len(data),
                "ContentID": (part["content-id"] or "").strip("<>") or None,
                "DownloadToken": token,
            }
        )
    item = {
        "Uuid": ["3e1f8a5c-0c42-4b8f-9d0e-1c2b3a4d5e6f"],
        "MessageId": str(msg["message-id"] or ""),
        "Subject": str(msg["subject"] or ""),
        "Headers": provider_headers(msg),
        "RawTextBody": text or "",
        "RawHtmlBody": html or "",
        "Attachments": attachments,
        "SpamScore": 0.4,
    }
    return {"items": [item]}


def post_webhook(client, door: str, payload, auth: str | None = None):
    headers = {"HTTP_AUTHORIZATION": auth if auth is not None else basic_auth()}
    body = payload if isinstance(payload, bytes | str) else json.dumps(payload)
    return client.post(f"/mail/{door}/inbound/", data=body, content_type="application/json", **headers)


def pipe(raw: bytes, *args: str) -> None:
    """`manage.py receive_email` with the email on standard input."""
    stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(raw))
    try:
        call_command("receive_email", *args, stdout=io.StringIO())
    finally:
        sys.stdin = stdin


def feed(door: str, raw: bytes, client, api: responses.RequestsMock) -> None:
    """Deliver one email through one door, asserting the door accepted it."""
    if door == "mta":
        pipe(raw)
        return
    payload = mailjet_payload(raw) if door == "mailjet" else brevo_payload(raw, api)
    response = post_webhook(client, door, payload)
    assert response.status_code == 200, response.content
