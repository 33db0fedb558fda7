"""Files are accepted by their bytes only: real minimal files of each kind, and impostors."""

import hashlib
import io
import zipfile
from email.message import EmailMessage

import pytest
from PIL import Image

from cases.mail.inbound import process, store_raw
from cases.models import Attachment
from cases.uploads import EXTENSIONS, RejectedFile, check_count, check_upload, display_name
from tests.factories import CaseFactory

OOXML_TYPES = {
    "word": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF_TYPES = [
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
]
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def image_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 0, 145)).save(buffer, format=image_format)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def ooxml_bytes(part: str) -> bytes:
    """A Office Open XML package in the order Office writes it: content types, relationships, then the part."""
    return zip_bytes(
        [
            ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            ("_rels/.rels", b'<?xml version="1.0"?><Relationships/>'),
            (f"{part}/document.xml", b'<?xml version="1.0"?><document/>'),
        ]
    )


def odf_bytes(mimetype: str) -> bytes:
    """An OpenDocument package: its stored, uncompressed first member `mimetype` names the kind."""
    return zip_bytes([("mimetype", mimetype.encode()), ("content.xml", b'<?xml version="1.0"?><document/>')])


def ole2_bytes(stream: str) -> bytes:
    """An OLE2 compound file (old Office) whose directory names its main stream."""
    directory_entry = stream.encode("utf-16-le") + b"\x00\x00"
    return OLE2_SIGNATURE + b"\x00" * 1016 + directory_entry.ljust(128, b"\x00") + b"\x00" * 512


@pytest.mark.parametrize(
    ("image_format", "content_type"),
    [
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("GIF", "image/gif"),
        ("WEBP", "image/webp"),
        ("TIFF", "image/tiff"),
        ("BMP", "image/bmp"),
    ],
)
def test_images_are_accepted(image_format, content_type):
    data = image_bytes(image_format)

    checked = check_upload("photo", data)

    assert checked.content_type == content_type
    assert checked.name == "photo" + EXTENSIONS[content_type][0]  # a name without extension gets the kind's own
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.data == data


def test_heic_is_accepted():
    ftyp = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"

    assert check_upload("photo.heic", ftyp + b"\x00" * 64).content_type == "image/heic"


def test_pdf_is_accepted():
    assert check_upload("courrier.pdf", pdf_bytes()).content_type == "application/pdf"


@pytest.mark.parametrize("part", OOXML_TYPES)
def test_office_open_xml_documents_are_accepted(part):
    assert check_upload("fichier", ooxml_bytes(part)).content_type == OOXML_TYPES[part]


@pytest.mark.parametrize("mimetype", ODF_TYPES)
def test_opendocument_files_are_accepted(mimetype):
    assert check_upload("fichier", odf_bytes(mimetype)).content_type == mimetype


@pytest.mark.parametrize(
    ("stream", "content_type"),
    [
        ("WordDocument", "application/msword"),
        ("Workbook", "application/vnd.ms-excel"),
        ("PowerPoint Document", "application/vnd.ms-powerpoint"),
    ],
)
def test_old_office_files_are_accepted_by_their_main_stream(stream, content_type):
    assert check_upload("ancien", ole2_bytes(stream)).content_type == content_type


def test_rtf_is_accepted():
    assert check_upload("lettre.rtf", rb"{\rtf1\ansi Bonjour}").content_type == "application/rtf"


@pytest.mark.parametrize(
    "text",
    ["nom;montant\nDupont;12,50\n", "Relevé de consommation — février\n", "\ufeffcolonne1,colonne2\n1,2\n"],
)
def test_utf8_text_and_csv_are_accepted(text):
    assert check_upload("tableau.csv", text.encode()).content_type == "text/plain"


def test_windows_1252_text_as_notepad_saves_it_is_accepted():
    data = "Relevé de consommation – 12,50 € payés le 3 février\r\n".encode("cp1252")
    assert check_upload("releve.txt", data).content_type == "text/plain"
    assert check_upload("donnees.csv", "nom;ville\nDupont;Besançon\n".encode("latin-1")).content_type == "text/plain"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("facture.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120),  # Linux executable
        ("facture.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120),  # Windows executable
        ("archive.docx", zip_bytes([("notes.txt", b"hello"), ("run.sh", b"#!/bin/sh")])),  # zip, not Office
        ("page.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("image.png", b'  <svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("installeur.doc", OLE2_SIGNATURE + b"\x00" * 1200),  # OLE2 without an Office stream (e.g. MSI)
        ("donnees.csv", b"nom;ville\nDupont;Besan\xe7on\x01\x02\n"),  # control bytes: binary, not Windows-1252
        ("binaire.txt", b"abc\x00def"),
        ("musique.pdf", b"ID3\x03\x00\x00\x00" + b"\x00" * 64),  # MP3
    ],
)
def test_other_content_is_refused_whatever_its_name(name, data):
    with pytest.raises(RejectedFile) as refused:
        check_upload(name, data)

    assert refused.value.reason == f"« {name} » n'est pas un type de fichier accepté."


EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("eicar.com", EICAR),
        ("facture.js", b"new ActiveXObject('WScript.Shell').Run('calc');"),
        ("lancer.bat", b"@echo off\r\ndel /q C:\\*\r\n"),
        ("macro.vbs", b'CreateObject("WScript.Shell").Run "calc"'),
        ("appli.hta", b"window.close()"),
        ("courrier.pdf.exe", pdf_bytes()),
        ("photo.svg", image_bytes("PNG")),
    ],
)
def test_accepted_content_under_a_name_of_another_kind_is_refused(name, data):
    with pytest.raises(RejectedFile) as refused:
        check_upload(name, data)

    assert refused.value.reason == f"« {name} » n'est pas un type de fichier accepté."


@pytest.mark.parametrize(
    ("name", "data", "extension"),
    [
        ("courrier.docx", pdf_bytes(), ".docx"),
        ("notes.pdf", b"Bonjour\n", ".pdf"),
        ("scan.JPG", image_bytes("PNG"), ".JPG"),
    ],
)
def test_content_and_extension_must_agree(name, data, extension):
    with pytest.raises(RejectedFile) as refused:
        check_upload(name, data)

    assert refused.value.reason == f"« {name} » : son contenu ne correspond pas à son extension « {extension} »."


def test_extension_is_matched_whatever_its_case():
    assert check_upload("SCAN.PDF", pdf_bytes()).name == "SCAN.PDF"
    assert check_upload("photo.JPEG", image_bytes("JPEG")).content_type == "image/jpeg"


def test_file_over_5_mib_is_refused(settings):
    data = pdf_bytes() + b"0" * settings.UPLOAD_MAX_BYTES

    with pytest.raises(RejectedFile) as refused:
        check_upload("gros.pdf", data)

    assert refused.value.reason == "« gros.pdf » dépasse 5 Mo."


def test_file_of_exactly_5_mib_is_accepted(settings):
    data = pdf_bytes().ljust(settings.UPLOAD_MAX_BYTES, b"0")

    assert check_upload("limite.pdf", data).size == settings.UPLOAD_MAX_BYTES


def test_empty_file_is_refused():
    with pytest.raises(RejectedFile, match="« vide.pdf » est vide."):
        check_upload("vide.pdf", b"")


def test_more_than_10_files_are_refused():
    check_count(10)

    with pytest.raises(RejectedFile, match="10 fichiers au maximum."):
        check_count(11)


def test_names_lose_their_path_and_fit_the_database():
    assert display_name("C:\\Users\\moi\\facture.pdf") == "facture.pdf"
    assert display_name("../../etc/passwd") == "passwd"
    long_name = display_name("a" * 300 + ".pdf")
    assert len(long_name) == 255 and long_name.endswith(".pdf")


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("facture\u202eexe.pdf", "factureexe.pdf"),  # right-to-left override: shown « facturefdp.exe »
        ("\u2066rapport\u2069\u202a\u202b\u202c\u202d\u2067\u2068.pdf", "rapport.pdf"),
        ("re\u200bleve\ufeff.pdf", "releve.pdf"),  # zero-width space and no-break
        ("lettre\r\nde\tla\x00 mairie\u2028.pdf", "lettre de la mairie .pdf"),
        ("Releve\u0301.pdf", "Relevé.pdf"),  # decomposed accents (macOS) composed
    ],
)
def test_names_lose_their_invisible_and_control_characters(sent, stored):
    assert display_name(sent) == stored
    assert check_upload(sent, pdf_bytes()).name == stored


def test_refusals_name_the_file_without_its_control_characters():
    with pytest.raises(RejectedFile) as refused:
        check_upload("photo\u202egpj.exe", pdf_bytes())

    assert refused.value.reason == "« photogpj.exe » n'est pas un type de fichier accepté."


def test_names_arriving_by_email_are_stored_without_bidi_controls(mail_settings):
    """Web uploads lose non-printable characters in Django's multipart parser; an email's file names do not."""
    case = CaseFactory(citizen__email="usager@exemple.fr")
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = "usager@exemple.fr", case.reply_address, "Pièce jointe"
    email.set_content("Voici ma facture.")
    email.add_attachment(pdf_bytes(), maintype="application", subtype="pdf", filename="facture\u202eexe.pdf")

    process(store_raw(email.as_bytes(), "mta").pk)

    assert Attachment.objects.get().name == "factureexe.pdf"
