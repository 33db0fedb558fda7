"""Documents of a case: upload, download through an access check, removal."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header

from cases import audit, documents
from cases.models import AttachmentContent
from cases.views.case import case_context, load_case
from cases.views.common import THREAD, case_url, perform, post_from_case_page, refuse
from cases.views.forms import UploadForm


def document_upload(request: HttpRequest, number: int) -> HttpResponse:
    case = load_case(request, number)
    form = UploadForm(request.POST, request.FILES)
    count = len(request.FILES.getlist("files"))
    success = "Document ajouté." if count == 1 else f"{count} documents ajoutés."
    return post_from_case_page(
        request,
        case,
        form,
        lambda data: documents.add_documents(request.user, case, data["files"]),
        success,
        anchor=THREAD,
    )


def attachment_response(data: bytes, name: str, content_type: str) -> HttpResponse:
    """Bytes sent as a download, never rendered by the browser, never kept in a shared cache."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Length"] = str(len(data))
    return response


def document_download(request: HttpRequest, number: int, attachment_pk: int) -> HttpResponse:
    case = load_case(request, number)
    attachment = documents.document_of_case(case, attachment_pk)
    data = AttachmentContent.objects.filter(attachment=attachment).values_list("data", flat=True).first()
    audit.record(request, audit.Action.DOCUMENT_DOWNLOADED, obj=attachment, case=case)
    return attachment_response(bytes(data or b""), attachment.name, attachment.content_type)


def document_delete(request: HttpRequest, number: int, attachment_pk: int) -> HttpResponse:
    case = load_case(request, number)
    attachment = documents.document_of_case(case, attachment_pk)
    context = case_context(request, case)
    if not context["rights"].can_manage:
        error = PermissionDenied("Seuls le médiateur assigné et le médiateur principal peuvent retirer un document.")
        return refuse(request, case, error)
    if attachment.case_id != case.pk:
        return refuse(request, case, ValidationError(documents.MESSAGE_FILE_STAYS))
    if request.method == "POST":
        removed = f"Document « {attachment.name} » retiré."
        perform(request, lambda: documents.remove_document(request.user, case, attachment), removed)
        return redirect(case_url(case, THREAD))
    context |= {
        "page_title": "Retirer un document",
        "question": f"Retirer définitivement le document « {attachment.name} » du dossier ?",
        "confirm": "Oui, retirer le document",
        "anchor": f"{THREAD}-section",
    }
    return TemplateResponse(request, "cases/admin/case/confirm_delete.html", context)
