"""Documents of a case: upload, list, download, removal.

The documents of a case are its own files (uploaded by the citizen or an
agent) and the files attached to its messages. Files are accepted by their
bytes only (`cases.uploads.check_upload`) and their bytes live in
AttachmentContent, loaded only when one is downloaded.

Removal is for the assignee or the main agent (the original allowed the
assignee only, leaving a file nobody could remove on an unassigned case), and
only for the case's own files: a file that came with an email stays with it,
as part of what was received.
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from cases.choices import Transmitter
from cases.models import Attachment, AttachmentContent, Case
from cases.uploads import CheckedFile, RejectedFile, check_size, check_upload
from cases.workflow import locked, require_agent, require_manager

MAX_CASE_DOCUMENTS = 100


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


def checked_files(case: Case, uploads: list[UploadedFile]) -> list[CheckedFile]:
    """Every file checked; all refusals reported at once."""
    if not uploads:
        raise ValidationError("Choisissez au moins un fichier.")
    room = MAX_CASE_DOCUMENTS - Attachment.objects.filter(case=case).count()
    if len(uploads) > room:
        raise ValidationError(
            f"Un dossier compte au plus {MAX_CASE_DOCUMENTS} documents : vous pouvez en ajouter encore {max(room, 0)}."
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            check_size(upload.name, upload.size)
            checked.append(check_upload(upload.name, upload.read()))
        except RejectedFile as rejected:
            errors.append(ValidationError(rejected.reason))
    if errors:
        raise ValidationError(errors)
    return checked


@transaction.atomic
def add_documents(actor, case: Case, uploads: list[UploadedFile]) -> list[Attachment]:
    case = locked(case)  # uploads to one case wait in turn, so the room is counted right
    require_agent(actor, case)
    attachments = []
    for file in checked_files(case, uploads):
        attachment = Attachment.objects.create(
            case=case,
            name=file.name,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            transmitter=Transmitter.AGENT,
            uploaded_by=actor,
        )
        AttachmentContent.objects.create(attachment=attachment, data=file.data)
        attachments.append(attachment)
    return attachments


@transaction.atomic
def remove_document(actor, case: Case, attachment: Attachment) -> None:
    require_manager(actor, case, "retirer un document")
    if attachment.case_id != case.pk:
        raise ValidationError("Un fichier reçu avec un message reste attaché à ce message.")
    attachment.delete()
