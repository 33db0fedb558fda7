"""Accept a file by its bytes and its name together, never by the type the sender declared; store accepted files.

The public form, the agents' uploads and the outgoing and inbound mail all call `check_upload`: names
and declared types are chosen by whoever sends the file, so the content decides the kind, and the
name's extension must be one of that kind (computers open a file by its name: a script named .js is
text by its bytes, yet runs on a double-click). Names lose their invisible and control characters.
The accepted kinds are those of the original product (images, documents,
spreadsheets, presentations). `filetype` recognises most of them; two small
checks complete it:

- old Office files (doc, xls, ppt) are OLE2 containers; `filetype` only knows
  some of their layouts, so their directory is searched for the stream that
  names the application (an MSI installer, also OLE2, has none of them);
- CSV and plain text have no signature: text is accepted when it decodes as
  UTF-8, or as Windows-1252 (what Windows' Notepad and Excel save) without control
  bytes, has no NUL and does not start like markup (HTML, SVG, XML), which a
  browser could otherwise be talked into running.
"""

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from cases.models import Attachment, AttachmentContent, Case

TEXT_TYPE = "text/plain"
EMAIL_TYPE = "message/rfc822"
# The accepted kinds and the extensions each may carry: a file is accepted only when its bytes are one
# of these kinds *and* its name ends as that kind does, so a script typed as text (.js, .bat, .hta…)
# or a PDF named .exe, which a double-click on the agent's computer would run, are both refused.
# The first extension is the one given to a file sent without any.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    # Images
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/heic": (".heic", ".heif"),
    "image/tiff": (".tif", ".tiff"),
    "image/bmp": (".bmp",),
    # Documents
    "application/pdf": (".pdf",),
    "application/msword": (".doc",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/rtf": (".rtf",),
    TEXT_TYPE: (".txt", ".csv"),
    # Spreadsheets
    "application/vnd.ms-excel": (".xls",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    # Presentations
    "application/vnd.ms-powerpoint": (".ppt", ".pps"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx", ".ppsx"),
    "application/vnd.oasis.opendocument.presentation": (".odp",),
}
ACCEPTED_TYPES = frozenset(EXTENSIONS) - {TEXT_TYPE}  # the kinds recognised by their signature
# For the file inputs' `accept` attribute: the browser's file picker offers these first.
ACCEPTED_EXTENSIONS = ",".join(extension for extensions in EXTENSIONS.values() for extension in extensions)
# Characters a stored name loses: invisible format characters (Unicode category Cf: the bidi controls
# that show « facture\u202efdp.exe » as « facture.exe.pdf », zero-width characters) are removed;
# control characters and line breaks (Cc, Zl, Zp) become spaces.
NAME_FORMAT_CATEGORY = "Cf"
NAME_BREAK_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names (UTF-16LE in the OLE2 directory) that identify each old Office application.
OLE2_STREAMS = (
    ("WordDocument", "application/msword"),
    ("Workbook", "application/vnd.ms-excel"),
    ("Book", "application/vnd.ms-excel"),
    ("PowerPoint Document", "application/vnd.ms-powerpoint"),
)
MAX_NAME_LENGTH = 255  # Attachment.name
CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


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
    """With `check_attached_email`, the only maker of CheckedFile: every stored file went through one of them."""
    name = display_name(name)
    check_size(name, len(data))
    content_type = sniff(data)
    if content_type is None or not has_accepted_extension(name):
        raise RejectedFile(f"« {name} » n'est pas un type de fichier accepté.")
    name = name_with_extension(name, content_type)
    return CheckedFile(
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


def check_attached_email(name: str, data: bytes) -> CheckedFile:
    """An email attached to an inbound email, as the parser rebuilt it: kept as an .eml document of the case.

    Only the inbound pipeline calls it, with bytes it wrote itself from a message/rfc822 part;
    a file that merely says it is an email goes through `check_upload` and is refused.
    """
    name = display_name(name)
    check_size(name, len(data))
    return CheckedFile(
        name=name if name.lower().endswith(".eml") else f"{name}.eml",
        content_type=EMAIL_TYPE,
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


def attachment_rows(
    files: list[CheckedFile],
    *,
    transmitter: str,
    case: Case | None = None,
    message=None,
    uploaded_by=None,
    inline_cids: list[str] | None = None,
) -> list[tuple[Attachment, CheckedFile]]:
    """Unsaved attachments of checked files on a case and/or a message, each with its file."""
    cids = inline_cids or [""] * len(files)
    return [
        (
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
            ),
            checked,
        )
        for checked, cid in zip(files, cids, strict=True)
    ]


def save_attachments(rows: list[tuple[Attachment, CheckedFile]]) -> list[Attachment]:
    """Two INSERTs however many files (of however many messages): the rows, then their bytes in the content table."""
    attachments = Attachment.objects.bulk_create(attachment for attachment, _checked in rows)
    AttachmentContent.objects.bulk_create(
        AttachmentContent(attachment=attachment, data=checked.data) for attachment, checked in rows
    )
    return attachments


def store_attachments(files: list[CheckedFile], **where) -> list[Attachment]:
    """Store checked files on a case and/or a message (`attachment_rows`' arguments)."""
    return save_attachments(attachment_rows(files, **where))


def has_accepted_extension(name: str) -> bool:
    """No extension, or one of an accepted kind (which `name_with_extension` then matches to the content)."""
    extension = os.path.splitext(name)[1].lower()
    return not extension or any(extension in extensions for extensions in EXTENSIONS.values())


def name_with_extension(name: str, content_type: str) -> str:
    """The name of a file whose extension agrees with its content; a name without one gets the kind's own.

    Raises RejectedFile when they disagree (a PDF named .docx, a text named .pdf): the agent's
    computer would open the file by its name.
    """
    extension = os.path.splitext(name)[1]
    if not extension:
        return display_name(name + EXTENSIONS[content_type][0])
    if extension.lower() not in EXTENSIONS[content_type]:
        raise RejectedFile(f"« {name} » : son contenu ne correspond pas à son extension « {extension} ».")
    return name


def display_name(name: str) -> str:
    """The base name only (senders may send paths), shortened to fit Attachment.name, extension kept.

    Invisible and control characters are taken out first: they would make the name shown to the
    agent differ from the one their computer acts on.
    """
    name = "".join(
        " " if unicodedata.category(char) in NAME_BREAK_CATEGORIES else char
        for char in unicodedata.normalize("NFC", name)
        if unicodedata.category(char) != NAME_FORMAT_CATEGORY
    )
    name = " ".join(name.split())
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
        try:
            text = data.decode("cp1252")  # strict: the five bytes Windows-1252 leaves undefined are refused
        except UnicodeDecodeError:
            return False
        if CONTROL_BYTES.search(data):  # Windows-1252 reads almost any byte: binary data has control bytes
            return False
    return not text.lstrip().startswith("<")
