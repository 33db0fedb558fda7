"""Agents' views of the mail: the original of a received message, as a page of the case and as a raw .eml.

Both start with the case page's scoping helper (`load_case`: a case outside the
user's agent memberships is a 404) and then the message must be a received one of
that case (`inbound_message_of`, else 404). The .eml is served as a download, with
nosniff and no shared caching, like the case's documents; each download is audited.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from cases import audit
from cases.mail.original import inbound_message_of, original, raw_of
from cases.views.case import case_context, load_case
from cases.views.documents import attachment_response

EML_TYPE = "message/rfc822"


def message_original(request: HttpRequest, number: int, message_pk: int) -> HttpResponse:
    case = load_case(request, number)
    message = inbound_message_of(case, message_pk)
    images = {
        attachment.inline_cid: reverse("case:document_download", args=[case.number, attachment.pk])
        for attachment in message.attachments.all()
        if attachment.inline_cid
    }
    context = case_context(request, case) | {
        "page_title": "Message d'origine",
        "header_icon": "mail",
        "original": original(case, message, images.get),
    }
    return TemplateResponse(request, "cases/admin/case/message_original.html", context)


def message_raw(request: HttpRequest, number: int, message_pk: int) -> HttpResponse:
    case = load_case(request, number)
    message = inbound_message_of(case, message_pk)
    inbound = raw_of(message)
    if inbound is None:
        raise Http404("Le message d'origine n'est plus conservé.")
    audit.record(request, audit.Action.DOCUMENT_DOWNLOADED, obj=case, detail={"message_original": message.pk})
    return attachment_response(bytes(inbound.raw), f"message-{message.pk}.eml", EML_TYPE)
