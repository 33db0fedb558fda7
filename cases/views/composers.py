"""The composers of a case: the message form (compose page and the thread's reply composer), the subject a
reply keeps, and what the case page's composers open with.

A reply keeps the thread's subject without "Re:" (the original's choice): the subject the agent gave the
thread when the message answers one of ours (`thread_subject`), else its own subject without the prefixes.
The case page reads it from the messages it has loaded; the compose page asks for the answered one.
"""

import re
from collections.abc import Iterable
from email.utils import parseaddr

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from cases.forms import ACCEPTED_EXTENSIONS, DocumentsField, MultipleFileInput
from cases.mail.messenger import MAX_SUBJECT
from cases.models import Case, Message, MessageCase
from cases.views.forms import NoteForm
from cases.views.rich_text import RichTextField

MAX_RECIPIENTS = 20
REPLY_PREFIX = re.compile(r"^\s*((re|tr|fw|fwd|réf)\s*:\s*)+", re.IGNORECASE)
SEPARATORS = re.compile(r"[,;\s]+")
MESSAGE_IDS = re.compile(r"<[^<>\s]+>")


class RecipientsField(forms.CharField):
    """Email addresses separated by commas, semicolons, spaces or line breaks; cleans to a list."""

    def to_python(self, value) -> list[str]:
        value = super().to_python(value)
        addresses = []
        for part in SEPARATORS.split(value):
            address = parseaddr(part.strip().strip("<>"))[1].strip().lower() if part.strip() else ""
            if address and address not in addresses:
                addresses.append(address)
        return addresses

    def validate(self, value: list[str]) -> None:
        if not value:
            raise ValidationError("Indiquez au moins un destinataire.", code="required")
        invalid = []
        for address in value:
            try:
                validate_email(address)
            except ValidationError:
                invalid.append(address)
        if invalid:
            quoted = ", ".join(f"« {address} »" for address in invalid)
            raise ValidationError(f"Adresse électronique invalide : {quoted}.", code="invalid")
        if len(value) > MAX_RECIPIENTS:
            raise ValidationError(f"{MAX_RECIPIENTS} destinataires au maximum.", code="too_many")


class MessageForm(forms.Form):
    to = RecipientsField(
        label="Destinataire(s)",
        help_text="Le requérant et des tiers (services, administrations) : une ou plusieurs adresses, "
        f"séparées par des virgules ou des retours à la ligne, {MAX_RECIPIENTS} au plus.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Indiquez au moins un destinataire."},
    )
    subject = forms.CharField(
        label="Sujet",
        max_length=MAX_SUBJECT,
        error_messages={
            "required": "Le sujet est obligatoire.",
            "max_length": f"Le sujet fait au plus {MAX_SUBJECT} caractères.",
        },
    )
    body = RichTextField(
        label="Message",
        help_text="Mise en forme simple : gras, italique, listes, liens. "
        "Le requérant peut répondre directement au courriel reçu.",
        error_messages={"required": "Le message est vide."},
    )
    files = DocumentsField(
        label="Pièces jointes",
        required=False,
        help_text="Jusqu'à 10 fichiers de 5 Mo : images, PDF, documents, tableurs, présentations, texte. "
        "Après une erreur, choisissez à nouveau vos fichiers (le navigateur ne les garde pas).",
        widget=MultipleFileInput(attrs={"accept": ACCEPTED_EXTENSIONS}),
    )

    def clean_subject(self) -> str:
        return " ".join(self.cleaned_data["subject"].split())


def answered_ids(message: Message) -> list[str]:
    """The Message-IDs a received message answers (In-Reply-To, References)."""
    return MESSAGE_IDS.findall(f"{message.in_reply_to} {message.references}")


def thread_subject(message: Message, answered: Iterable[Message] = ()) -> str:
    """The subject a reply to `message` keeps: a citizen answering our email replies to its fixed title
    ("Re: Nouveau message pour votre dossier"), so the agent's own subject is taken from our message it
    answers (`answered`: our messages among those it references, newest first)."""
    if message.direction == Message.Direction.IN:
        subject = next((sent.content_subject for sent in answered if sent.content_subject), "")
        if subject:
            return subject
    return REPLY_PREFIX.sub("", message.content_subject or message.subject).strip()


def newest_to_process(links: list[MessageCase]) -> Message | None:
    """The newest received message still to process, from the case page's links (newest first)."""
    return next((link.message for link in links if link.processed is False), None)


def reply_composer(
    case: Case, links: list[MessageCase], draft: dict | None = None
) -> tuple[MessageForm, Message | None]:
    """The thread's reply form: to the newest message to process (which the reply will mark processed),
    else to the citizen under the thread's last subject; read from the loaded links, no query."""
    original = newest_to_process(links)
    if original is not None:
        ids = set(answered_ids(original))
        sent = [link.message for link in links if link.message.direction == Message.Direction.OUT]
        initial = {
            "to": parseaddr(original.from_email)[1].lower(),
            "subject": thread_subject(original, [message for message in sent if message.message_id in ids]),
        }
    else:
        last = next((link.message for link in links if link.message.content_subject), None)
        initial = {"to": case.citizen.email.lower(), "subject": last.content_subject if last else ""}
    # Its own ids: the case page also has the document composer's « files » field.
    return MessageForm(initial=initial | (draft or {}), auto_id="reply_%s"), original


def note_composer(draft: dict | None = None) -> NoteForm:
    return NoteForm(initial={"date": timezone.localdate()} | (draft or {}))
