"""Factories for what hangs off a case in the agents' workspace: notes, documents, messages, events."""

import datetime
import hashlib
import uuid

import factory
import pytest
from factory.django import DjangoModelFactory

from cases.choices import NoteKind, Transmitter
from cases.models import Attachment, AttachmentContent, CaseEvent, Message, MessageCase, Note
from tests.factories import CaseFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


class NoteFactory(DjangoModelFactory):
    class Meta:
        model = Note

    case = factory.SubFactory(CaseFactory)
    date = factory.LazyFunction(datetime.date.today)
    kind = NoteKind.NOTE
    content = "<p>Appel du requérant, il attend une réponse.</p>"


class AttachmentFactory(DjangoModelFactory):
    """A document with its bytes (a small PDF unless `data` is given)."""

    class Meta:
        model = Attachment
        exclude = ("data",)
        skip_postgeneration_save = True

    data = PDF_BYTES
    case = factory.SubFactory(CaseFactory)
    name = "courrier.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.data))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.data).hexdigest())
    transmitter = Transmitter.CITIZEN
    content = factory.RelatedFactory(
        "tests.workspace_factories.AttachmentContentFactory",
        factory_related_name="attachment",
        data=factory.SelfAttribute("..data"),
    )


class AttachmentContentFactory(DjangoModelFactory):
    class Meta:
        model = AttachmentContent

    attachment = factory.SubFactory(AttachmentFactory, content=None)
    data = PDF_BYTES


class MessageFactory(DjangoModelFactory):
    """An inbound email from the citizen; pass `cases=[...]` to link it (still "to process")."""

    class Meta:
        model = Message
        skip_postgeneration_save = True

    direction = Message.Direction.IN
    status = Message.State.RECEIVED
    from_email = "usager@exemple.fr"
    to = factory.LazyFunction(lambda: ["dossier@mediature.localhost"])
    subject = "Ma réponse"
    text = "Bonjour, voici ma réponse."
    message_id = factory.LazyFunction(lambda: f"<{uuid.uuid4().hex}@exemple.fr>")

    @factory.post_generation
    def cases(obj, create, extracted, **kwargs):
        for case in extracted or []:
            processed = False if obj.direction == Message.Direction.IN else None
            MessageCase.objects.create(message=obj, case=case, processed=processed)


class CaseEventFactory(DjangoModelFactory):
    class Meta:
        model = CaseEvent

    case = factory.SubFactory(CaseFactory)
    kind = CaseEvent.Kind.UPDATED
    data = factory.LazyFunction(lambda: {"changes": [{"label": "Échéance", "old": "—", "new": "01/01/2030"}]})


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Import into a test module to hash the factories' passwords with a fast hasher (tests only)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def fill_case_page(case, rows: int, colleague) -> None:
    """What the case page lists: notes, documents, messages with files, events, similar cases."""
    NoteFactory.create_batch(rows, case=case, author=colleague)
    AttachmentFactory.create_batch(rows, case=case, uploaded_by=colleague)
    for message in MessageFactory.create_batch(rows, cases=[case]):
        AttachmentFactory(case=None, message=message)
    CaseEventFactory.create_batch(rows, case=case, actor=colleague)
    for _ in range(rows):
        CaseFactory(authority=case.authority, citizen__first_name="Léa", citizen__last_name="Dupont")
