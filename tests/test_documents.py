"""Documents of a case (issue #3 §6): upload accepted by bytes, 100 per case, download with safe headers,
removal by the assignee or the main agent."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from authorities.models import Role
from cases.choices import Transmitter
from cases.documents import MAX_CASE_DOCUMENTS
from cases.models import Attachment, AttachmentContent, CaseEvent
from tests.conftest import member_of
from tests.factories import CaseFactory
from tests.workspace_factories import (
    PDF_BYTES,
    PNG_BYTES,
    AttachmentFactory,
    MessageFactory,
    fast_passwords,  # noqa: F401
)


@pytest.fixture
def case(authority):
    return CaseFactory(authority=authority)


def url(name: str, case, **kwargs) -> str:
    return reverse(f"case:{name}", kwargs={"number": case.number, **kwargs})


def upload(client, case, *files):
    return client.post(url("document_upload", case), {"files": list(files)}, follow=True)


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_agent_uploads_files_recognised_by_their_bytes(client, agent, case):
    client.force_login(agent)
    response = upload(
        client,
        case,
        SimpleUploadedFile("courrier.pdf", PDF_BYTES, content_type="text/html"),
        SimpleUploadedFile("../../photo", PNG_BYTES, content_type="application/x-msdownload"),
    )
    assert "2 documents ajoutés." in text(response)
    pdf, png = Attachment.objects.filter(case=case).order_by("pk")
    assert (pdf.name, pdf.content_type, pdf.size, pdf.transmitter) == (
        "courrier.pdf",
        "application/pdf",
        len(PDF_BYTES),
        Transmitter.AGENT,
    )
    assert (png.name, png.content_type, png.uploaded_by) == ("photo.png", "image/png", agent)  # its kind's extension
    assert bytes(AttachmentContent.objects.get(attachment=png).data) == PNG_BYTES
    assert "courrier.pdf" in text(client.get(url("detail", case)))


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("page.pdf", b"<html><script>alert(1)</script></html>", "n'est pas un type de fichier accepté"),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100, "n'est pas un type de fichier accepté"),
        ("vide.pdf", b"", "est vide"),
        ("gros.pdf", PDF_BYTES + b"0" * (5 * 1024 * 1024), "dépasse 5 Mo"),
    ],
)
def test_refused_files_are_reported_and_nothing_is_stored(client, agent, case, name, data, reason):
    client.force_login(agent)
    response = upload(client, case, SimpleUploadedFile(name, data), SimpleUploadedFile("ok.pdf", PDF_BYTES))
    assert reason in text(response)
    assert not Attachment.objects.filter(case=case).exists()


def test_at_most_100_documents_per_case(client, agent, case):
    AttachmentFactory.create_batch(MAX_CASE_DOCUMENTS - 1, case=case)
    client.force_login(agent)
    response = upload(client, case, SimpleUploadedFile("a.pdf", PDF_BYTES), SimpleUploadedFile("b.pdf", PDF_BYTES))
    assert "au plus 100 documents : vous pouvez en ajouter encore 1." in text(response)
    assert Attachment.objects.filter(case=case).count() == MAX_CASE_DOCUMENTS - 1
    upload(client, case, SimpleUploadedFile("a.pdf", PDF_BYTES))
    assert Attachment.objects.filter(case=case).count() == MAX_CASE_DOCUMENTS


def test_no_file_chosen(client, agent, case):
    client.force_login(agent)
    assert "Choisissez au moins un fichier." in text(upload(client, case))
    assert not Attachment.objects.exists()


def test_download_is_an_attachment_that_is_never_sniffed_or_cached(client, agent, case):
    document = AttachmentFactory(case=case, name="relevé d'impôts 2025.pdf")
    client.force_login(agent)
    response = client.get(url("document_download", case, attachment_pk=document.pk))
    assert response.status_code == 200
    assert response.content == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''relev%C3%A9%20d%27imp%C3%B4ts%202025.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_files_of_the_case_messages_are_listed_and_downloadable(client, agent, case):
    message = MessageFactory(cases=[case])
    attached = AttachmentFactory(case=None, message=message, name="reponse-mairie.pdf")
    client.force_login(agent)
    page = text(client.get(url("detail", case)))
    assert "reponse-mairie.pdf" in page
    assert page.count("reponse-mairie.pdf") == 1, "shown on its message, not again as a document"
    assert client.get(url("document_download", case, attachment_pk=attached.pk)).content == PDF_BYTES


def test_a_document_of_another_case_is_404(client, agent, authority, case):
    other_case = CaseFactory(authority=authority)
    foreign = AttachmentFactory(case=other_case)
    foreign_message_file = AttachmentFactory(case=None, message=MessageFactory(cases=[other_case]))
    client.force_login(agent)
    for document in (foreign, foreign_message_file):
        for name in ("document_download", "document_delete"):
            assert client.get(url(name, case, attachment_pk=document.pk)).status_code == 404
            assert client.post(url(name, case, attachment_pk=document.pk)).status_code == 404
    assert Attachment.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize("remover", ["assignee", "main_agent"])
def test_assignee_or_main_agent_removes_a_document(client, request, agent, main_agent, case, remover):
    case.assignee = agent
    case.save()
    document = AttachmentFactory(case=case)
    client.force_login(agent if remover == "assignee" else main_agent)
    assert "Oui, retirer le document" in text(client.get(url("document_delete", case, attachment_pk=document.pk)))
    client.post(url("document_delete", case, attachment_pk=document.pk))
    assert not Attachment.objects.filter(pk=document.pk).exists()
    assert not AttachmentContent.objects.filter(attachment_id=document.pk).exists()


def test_other_agents_cannot_remove_a_document(client, authority, agent, case):
    colleague = member_of(authority, Role.AGENT)
    case.assignee = colleague
    case.save()
    document = AttachmentFactory(case=case)
    client.force_login(agent)
    response = client.post(url("document_delete", case, attachment_pk=document.pk), follow=True)
    assert "Seuls le médiateur assigné et le médiateur principal peuvent retirer un document." in text(response)
    assert Attachment.objects.filter(pk=document.pk).exists()
    item = text(client.get(url("detail", case))).split(f'id="document-{document.pk}"')[1].split("</li>")[0]
    assert "Retirer" not in item


def test_a_file_received_with_a_message_stays(client, main_agent, case):
    attached = AttachmentFactory(case=None, message=MessageFactory(cases=[case]))
    client.force_login(main_agent)
    response = client.post(url("document_delete", case, attachment_pk=attached.pk), follow=True)
    assert "reste attaché à ce message" in text(response)
    assert Attachment.objects.filter(pk=attached.pk).exists()


def test_the_timeline_tells_who_added_and_removed_which_files(client, main_agent, case):
    client.force_login(main_agent)
    upload(client, case, SimpleUploadedFile("devis.pdf", PDF_BYTES), SimpleUploadedFile("plan.png", PNG_BYTES))
    devis = Attachment.objects.get(case=case, name="devis.pdf")
    client.post(url("document_delete", case, attachment_pk=devis.pk))
    added, removed = case.events.order_by("pk")
    assert (added.kind, added.actor, added.detail) == (
        CaseEvent.Kind.DOCUMENTS_ADDED,
        main_agent,
        "devis.pdf, plan.png",
    )
    assert (removed.kind, removed.actor, removed.detail) == (CaseEvent.Kind.DOCUMENT_REMOVED, main_agent, "devis.pdf")
    thread = text(client.get(url("detail", case))).split('id="fil-section"')[1]
    assert "Document retiré" in thread and "devis.pdf" in thread
    assert thread.count('id="document-') == 1, "the file kept, once: its « Documents ajoutés » event is the item itself"


def test_a_refused_upload_or_removal_leaves_no_event(client, agent, main_agent, case):
    client.force_login(agent)
    upload(client, case, SimpleUploadedFile("setup.exe", b"MZ\x90\x00" + b"\x00" * 100))
    client.post(url("document_delete", case, attachment_pk=AttachmentFactory(case=case).pk))
    assert not case.events.exists()
