"""Accept a file by its bytes, never by its name or the type the sender declared; store accepted files.

The public form, the agents' uploads and the inbound mail all call `check_upload`: names and declared
types are chosen by whoever sends the file, so only the content decides. The
accepted kinds are those of the original product (images, documents,
spreadsheets, presentations). `filetype` recognises most of them; two small
checks complete it:

- old Office files (doc, xls, ppt) are OLE2 containers; `filetype` only knows
  some of their layouts, so their directory is searched for the stream that
  names the application (an MSI installer, also OLE2, has none of them);
- CSV and plain text have no signature: text is accepted when it decodes as
  UTF-8 without NUL and does not start like markup (HTML, SVG, XML), which a
  browser could otherwise be talked into running.
"""

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from cases.models import Attachment, AttachmentContent, Case

ACCEPTED_TYPES = frozenset(
    {
        # Images
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "image/tiff",
        "image/bmp",
        # Documents
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
        "application/rtf",
        # Spreadsheets
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        # Presentations
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.presentation",
    }
)
TEXT_TYPE = "text/plain"

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names (UTF-16LE in the OLE2 directory) that identify each old Office application.
OLE2_STREAMS = (
    ("WordDocument", "application/msword"),
    ("Workbook", "application/vnd.ms-excel"),
    ("Book", "application/vnd.ms-excel"),
    ("PowerPoint Document", "application/vnd.ms-powerpoint"),
)
MAX_NAME_LENGTH = 255  # Attachment.name


@dataclass(frozen=True)
class CheckedFile:
    """A file whose content passed the checks, ready to be stored as an Attachment."""

    name: str
    content_type: str
    size: int
    sha256: str
    data: bytes


class RejectedFile(Exception):
    """The file cannot be accepted; `reason` is a French sentence for the sender."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def max_size_label() -> str:
    return f"{settings.UPLOAD_MAX_BYTES // (1024 * 1024)} Mo"


def check_count(count: int) -> None:
    if count > settings.UPLOAD_MAX_FILES:
        raise RejectedFile(f"{settings.UPLOAD_MAX_FILES} fichiers au maximum.")


def check_size(name: str, size: int) -> None:
    """Separate from `check_upload` so a caller can refuse a large upload before reading it."""
    if size > settings.UPLOAD_MAX_BYTES:
        raise RejectedFile(f"« {name} » dépasse {max_size_label()}.")
    if size == 0:
        raise RejectedFile(f"« {name} » est vide.")


def check_upload(name: str, data: bytes) -> CheckedFile:
    name = display_name(name)
    check_size(name, len(data))
    content_type = sniff(data)
    if content_type is None:
        raise RejectedFile(f"« {name} » n'est pas un type de fichier accepté.")
    return CheckedFile(
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


def check_uploaded_files(uploads: Iterable[UploadedFile]) -> list[CheckedFile]:
    """Check the files a form received, reading each one only when its size is acceptable.

    Every refusal is reported at once, in one ValidationError, so the sender
    can fix them all in one go.
    """
    checked, errors = [], []
    for upload in uploads:
        try:
            check_size(display_name(upload.name), upload.size)
            checked.append(check_upload(upload.name, upload.read()))
        except RejectedFile as rejected:
            errors.append(ValidationError(rejected.reason, code="rejected_file"))
    if errors:
        raise ValidationError(errors)
    return checked


def store_attachments(
    files: list[CheckedFile],
    *,
    transmitter: str,
    case: Case | None = None,
    message=None,
    uploaded_by=None,
    inline_cids: list[str] | None = None,
) -> list[Attachment]:
    """Store checked files on a case and/or a message; their bytes go to the separate content table."""
    cids = inline_cids or [""] * len(files)
    attachments = Attachment.objects.bulk_create(
        Attachment(
            case=case,
            message=message,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            transmitter=transmitter,
            uploaded_by=uploaded_by,
            inline_cid=cid[:255],
        )
        for checked, cid in zip(files, cids, strict=True)
    )
    AttachmentContent.objects.bulk_create(
        AttachmentContent(attachment=attachment, data=checked.data)
        for attachment, checked in zip(attachments, files, strict=True)
    )
    return attachments


def display_name(name: str) -> str:
    """The base name only (senders may send paths), shortened to fit Attachment.name, extension kept."""
    name = os.path.basename(name.replace("\\", "/")).strip() or "document"
    if len(name) <= MAX_NAME_LENGTH:
        return name
    stem, extension = os.path.splitext(name)
    extension = extension[:MAX_NAME_LENGTH]
    return stem[: MAX_NAME_LENGTH - len(extension)] + extension


def sniff(data: bytes) -> str | None:
    """The MIME type read from the bytes when it is an accepted kind, else None."""
    kind = filetype.guess(data)
    if kind is not None:
        return kind.mime if kind.mime in ACCEPTED_TYPES else None
    if data.startswith(OLE2_SIGNATURE):
        return ole2_type(data)
    return TEXT_TYPE if is_plain_text(data) else None


def ole2_type(data: bytes) -> str | None:
    for stream, content_type in OLE2_STREAMS:
        if stream.encode("utf-16-le") + b"\x00\x00" in data:
            return content_type
    return None


def is_plain_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not text.lstrip().startswith("<")
