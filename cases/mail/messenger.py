"""What the case page calls to write to the citizen and to third parties, and to work the inbox.

- `send_case_message`: an agent's message, sanitised, sent as in the original (a reply marks the
  received message it answers processed):
  the citizen gets `case_message_to_citizen`, every other recipient shares one
  `case_message_to_third_party` email; each email is an outbox row with its own status.
- `mark_processed`: the "Traité" toggle of an inbound message on one case.
- `recipient_suggestions`: addresses already used on the case.
- `unprocessed_count` / `has_unprocessed`: queryset annotations for the workspace badges.
"""

from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.access import cases_for
from cases.mail.outbound import OutgoingEmail, platform_address, queue_emails, sender_named
from cases.mail.sanitize import html_to_text, sanitize_html
from cases.models import Case, CaseEvent, Message, MessageCase
from cases.notify.service import bump_inbox_version
from cases.uploads import CheckedFile, check_count, check_upload

MAX_SUBJECT = 255
SENDER_NAME = "Le médiateur"


def normalise_addresses(addresses) -> list[str]:
    cleaned = []
    for address in addresses or ():
        address = parseaddr(str(address))[1].strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(f"Adresse électronique invalide : « {address} ».") from None
        if address not in cleaned:
            cleaned.append(address)
    return cleaned


def check_files(files) -> list[CheckedFile]:
    """Files as (name, bytes) pairs or Django uploaded files; raises RejectedFile."""
    files = list(files or ())
    check_count(len(files))
    checked = []
    for file in files:
        name, data = file if isinstance(file, tuple) else (file.name, file.read())
        checked.append(check_upload(name, data))
    return checked


def ensure_agent_of(user, case: Case) -> None:
    if not cases_for(user).filter(pk=case.pk).exists():
        raise PermissionDenied("Ce dossier n'est pas l'un des vôtres.")


@transaction.atomic
def send_case_message(
    case: Case, sender_user, to, cc, subject: str, html: str, files=(), answers: Message | None = None
) -> Message:
    """Queue the agent's message; returns the email to the citizen when there is one, else the other one.
    `answers`: the received message it replies to, marked processed with it (the agent may mark it back).

    Raises ValidationError (recipients, subject, empty body), RejectedFile (a file) or PermissionDenied.
    """
    ensure_agent_of(sender_user, case)
    case.refuse_if_anonymised()
    to, cc = normalise_addresses(to), [a for a in normalise_addresses(cc)]
    cc = [address for address in cc if address not in to]
    if not to:
        raise ValidationError("Indiquez au moins un destinataire.")
    subject = " ".join((subject or "").split())
    if not subject or len(subject) > MAX_SUBJECT:
        raise ValidationError(f"Le sujet est obligatoire et fait au plus {MAX_SUBJECT} caractères.")
    clean_html = sanitize_html(html or "")
    text = html_to_text(clean_html)
    if not text:
        raise ValidationError("Le message est vide.")
    checked = check_files(files)

    citizen = getattr(case, "citizen", None)
    citizen_email = (citizen.email if citizen else "").lower()
    context = {
        "case": case,
        "citizen": citizen,
        "message": {"subject": subject, "html": clean_html, "text": text},
        "attachment_count": len(checked),
    }
    common = dict(
        context=context,
        case=case,
        sent_by=sender_user,
        files=checked,
        from_email=sender_named(SENDER_NAME),
        content_subject=subject,
        content_html=clean_html,
    )
    emails = []
    if citizen_email and citizen_email in to + cc:
        emails.append(OutgoingEmail("case_message_to_citizen", [citizen_email], **common))
        Case.objects.filter(pk=case.pk, first_answer_at__isnull=True).update(first_answer_at=timezone.now())
    others_to = [address for address in to if address != citizen_email]
    others_cc = [address for address in cc if address != citizen_email]
    if others_to or others_cc:
        emails.append(
            OutgoingEmail(
                "case_message_to_third_party", others_to or others_cc, cc=others_cc if others_to else [], **common
            )
        )
    sent = queue_emails(emails)
    if answers is not None and answers.direction == Message.Direction.IN:
        MessageCase.objects.filter(case=case, message=answers, processed=False).update(processed=True)
        bump_inbox_version()
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.MESSAGE_SENT,
        actor=sender_user,
        data={"messages": [message.pk for message in sent], "to": to, "cc": cc, "subject": subject},
    )
    return sent[0]


def mark_processed(case: Case, message: Message, processed: bool, user=None) -> None:
    """Mark an inbound message processed (or to process again) on this case. Outgoing messages have no such flag."""
    if user is not None:
        ensure_agent_of(user, case)
    link = MessageCase.objects.filter(case=case, message=message).first()
    if link is None:
        raise ValidationError("Ce message n'appartient pas à ce dossier.")
    if link.processed is None:
        raise ValidationError("Seuls les messages reçus se marquent comme traités.")
    MessageCase.objects.filter(pk=link.pk).update(processed=bool(processed))
    bump_inbox_version()  # the admin menu's count (cases/notify/)


def recipient_suggestions(case: Case) -> list[str]:
    """The citizen's address, then everyone already written to or heard from on this case (newest first)."""
    own_domain = "@" + settings.INBOUND_DOMAIN.lower()
    citizen = getattr(case, "citizen", None)
    candidates = [citizen.email] if citizen and citizen.email else []
    rows = Message.objects.filter(case_links__case=case).order_by("-created_at")
    for direction, sender, to, cc in rows.values_list("direction", "from_email", "to", "cc"):
        candidates += [parseaddr(sender)[1]] if direction == Message.Direction.IN else [*to, *cc]
    suggestions = []
    for address in candidates:
        address = address.strip().lower()
        if (
            address
            and address not in suggestions
            and address != platform_address()
            and not address.endswith(own_domain)
        ):
            suggestions.append(address)
    return suggestions


def unprocessed_links(lookup: str):
    return MessageCase.objects.filter(**{lookup: OuterRef("pk")}, processed=False)


def unprocessed_count(lookup: str = "case"):
    """Number of inbound messages to process, as an annotation.

    `lookup` goes from MessageCase to the annotated model: "case" for cases,
    "case__authority" for authorities, "case__assignee" for agents, e.g.
    `cases_for(user).annotate(to_process=unprocessed_count())`.
    """
    counted = unprocessed_links(lookup).order_by().values(lookup).annotate(total=Count("pk")).values("total")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def has_unprocessed(lookup: str = "case"):
    return Exists(unprocessed_links(lookup))
