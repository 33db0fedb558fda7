"""What the citizen sees of their case: the messages exchanged with them and their documents.

Only two kinds of message are theirs: the agents' messages to them (`case_message_to_citizen`) and
what they sent (from the case's email address, or through this page). Never internal notes, never an
email to or from a third party, never an automatic reply; agents appear as « Le médiateur », with what
they wrote (`content_html`), never their own address. Documents: those the citizen sent (with the
request or a message of theirs) and those attached to the messages sent to them.
"""

from dataclasses import dataclass
from email.utils import parseaddr

from django.db.models import Q

from cases.choices import Transmitter
from cases.models import Attachment, Case, InboundEmail, Message

TO_CITIZEN = "case_message_to_citizen"


@dataclass(frozen=True)
class Entry:
    message: Message
    from_citizen: bool

    @property
    def html(self) -> str:
        return self.message.content_html if not self.from_citizen else ""

    @property
    def text(self) -> str:
        return self.message.text if self.from_citizen else ""


def citizen_messages(case: Case) -> list[Entry]:
    """The citizen's thread, oldest first (two queries: the messages, their web door)."""
    email = (case.citizen.email or "").lower()
    rows = list(
        Message.objects.filter(case_links__case=case)
        .filter(
            Q(direction=Message.Direction.OUT, template=TO_CITIZEN)
            | Q(direction=Message.Direction.IN, kind=Message.Kind.MESSAGE)
        )
        .order_by("created_at", "pk")
    )
    web = set(
        InboundEmail.objects.filter(
            message__in=[m for m in rows if m.direction == Message.Direction.IN], door=InboundEmail.Door.WEB
        ).values_list("message_id", flat=True)
    )
    entries = []
    for message in rows:
        if message.direction == Message.Direction.OUT:
            if email and [address.lower() for address in message.to] == [email]:
                entries.append(Entry(message, from_citizen=False))
        elif message.pk in web or (email and parseaddr(message.from_email)[1].lower() == email):
            entries.append(Entry(message, from_citizen=True))
    return entries


def citizen_documents(case: Case, entries: list[Entry]) -> list[Attachment]:
    """The citizen's own files and those of their thread's messages (never the bytes)."""
    return list(
        Attachment.objects.filter(
            Q(case=case, transmitter=Transmitter.CITIZEN) | Q(message__in=[entry.message.pk for entry in entries])
        )
        .exclude(name="")
        .distinct()
        .order_by("created_at", "pk")
    )
