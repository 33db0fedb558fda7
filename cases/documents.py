"""Documents of a case: upload, list, download, removal.

The documents of a case are its own files (uploaded by the citizen or an
agent) and the files attached to its messages. Files are accepted by their
bytes only (`cases.uploads.check_upload`, through the public form's
`DocumentsField`: at most 10 files per upload) and their bytes live in
AttachmentContent, loaded only when one is downloaded.

Removal is for the assignee or the main agent (the original allowed the
assignee only, leaving a file nobody could remove on an unassigned case), and
only for the case's own files: a file that came with an email stays with it,
as part of what was received.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from cases.choices import Transmitter
from cases.models import Attachment, Case, CaseEvent
from cases.uploads import CheckedFile, store_attachments
from cases.workflow import locked, record, require_agent, require_manager

MAX_CASE_DOCUMENTS = 100
MESSAGE_FILE_STAYS = "Un fichier reçu avec un message reste attaché à ce message."


def case_documents(case: Case) -> QuerySet[Attachment]:
    """The case's files and those of its messages (never their bytes), oldest first."""
    return (
        Attachment.objects.filter(Q(case=case) | Q(message__case_links__case=case))
        .distinct()
        .select_related("uploaded_by")
        .order_by("created_at", "pk")
    )


def document_of_case(case: Case, pk: int) -> Attachment:
    try:
        return case_documents(case).get(pk=pk)
    except Attachment.DoesNotExist:
        raise Http404("Document introuvable.") from None


def check_room(case: Case, count: int) -> None:
    if not count:
        raise ValidationError({"files": "Choisissez au moins un fichier."})
    room = MAX_CASE_DOCUMENTS - Attachment.objects.filter(case=case).count()
    if count > room:
        message = f"Un dossier compte au plus {MAX_CASE_DOCUMENTS} documents : vous pouvez en ajouter encore {room}."
        raise ValidationError({"files": message})


@transaction.atomic
def add_documents(actor, case: Case, files: list[CheckedFile]) -> list[Attachment]:
    """Store files already accepted by their bytes (`cases.uploads.check_upload`, through the form)."""
    case = locked(case)  # uploads to one case wait in turn, so the room is counted right
    require_agent(actor, case)
    check_room(case, len(files))
    stored = store_attachments(files, transmitter=Transmitter.AGENT, case=case, uploaded_by=actor)
    record(case, CaseEvent.Kind.DOCUMENTS_ADDED, actor, detail=", ".join(attachment.name for attachment in stored))
    return stored


@transaction.atomic
def remove_document(actor, case: Case, attachment: Attachment) -> None:
    require_manager(actor, case, "retirer un document")
    if attachment.case_id != case.pk:
        raise ValidationError(MESSAGE_FILE_STAYS)
    attachment.delete()
    record(case, CaseEvent.Kind.DOCUMENT_REMOVED, actor, detail=attachment.name)
