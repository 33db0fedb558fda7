"""The messaging panel of a case: write to the citizen and to third parties, mark received messages processed.

Who may write: any agent or main agent of the case's authority. The original
allowed only the assigned agent (`sendMessage`, `updateMessageMetadata`), but
issue #3 says that any agent of the case's authority reads and edits the case,
and `cases/workflow.py` has no rule of its own for messages; an unassigned case
must be able to answer its citizen too. `get_case_or_404` keeps everyone else
out (404), and `cases.mail.messenger` checks the membership again.

- `message_compose`: GET shows the form, POST sends through `send_case_message`; a reply to a received
  message marks it processed (undone with its « Marquer à traiter »).
  `?reply_to=<pk>` (a message of this case only, else 404) pre-fills it: a
  received message → its sender; one of ours → its recipients (and, when it
  failed, its text, to send it again). The subject stays the same, without
  "Re:" (the original's choice): the subject the agent gave the thread when the
  message answers one of ours, else its own subject without the "Re:" prefixes.
- `?modele=<pk>`: the body opens with a reply template of the case's authority (cases/replies/), its
  placeholders filled for the case.
- `message_processed`: POST only, the "Traité" toggle of a received message.
"""

from email.utils import parseaddr

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from wagtail.admin import messages as wagtail_messages

from cases.drafts.models import Draft
from cases.drafts.service import discard
from cases.mail.messenger import mark_processed, recipient_suggestions, send_case_message
from cases.mail.sanitize import text_to_html
from cases.models import Case, Message
from cases.replies.models import ReplyTemplate
from cases.uploads import RejectedFile
from cases.views.case import case_context, load_case
from cases.views.common import THREAD, add_service_errors, case_url, perform, refuse
from cases.views.composers import MessageForm, answered_ids, thread_subject


def message_of_case(case: Case, message_pk) -> Message:
    """A message linked to this case; any other (or a malformed pk) is a 404."""
    try:
        return Message.objects.filter(case_links__case=case).get(pk=int(message_pk))
    except (Message.DoesNotExist, TypeError, ValueError):
        raise Http404("Message introuvable.") from None


def reply_initial(case: Case, message: Message) -> dict:
    answered = Message.objects.filter(
        case_links__case=case, direction=Message.Direction.OUT, message_id__in=answered_ids(message)
    ).order_by("-created_at")
    subject = thread_subject(message, answered)  # asked for a received message only
    if message.direction == Message.Direction.IN:
        return {"to": parseaddr(message.from_email)[1].lower(), "subject": subject}
    initial = {"to": ", ".join([*message.to, *message.cc]), "subject": subject}
    if message.status in (Message.State.FAILED, Message.State.UNDELIVERED):
        initial["body"] = message.content_html or text_to_html(message.text)
    return initial


def compose_title(original: Message | None) -> str:
    if original is None:
        return "Nouveau message"
    if original.direction == Message.Direction.IN:
        return "Répondre"
    failed = original.status in (Message.State.FAILED, Message.State.UNDELIVERED)
    return "Renvoyer le message" if failed else "Écrire à nouveau"


def message_compose(request: HttpRequest, number: int) -> HttpResponse:
    case = load_case(request, number)
    reply_to = request.GET.get("reply_to")
    original = message_of_case(case, reply_to) if reply_to else None
    if original is not None:
        initial = reply_initial(case, original)
    else:
        initial = {"to": case.citizen.email.lower()} if case.citizen.email else {}
    templates = list(ReplyTemplate.objects.filter(authority_id=case.authority_id))
    chosen = request.GET.get("modele")
    if chosen:
        template = next((item for item in templates if str(item.pk) == chosen), None)
        if template is None:
            raise Http404("Modèle introuvable.")
        initial["body"] = template.render(case, request.user)
    posted = request.method == "POST"
    form = MessageForm(request.POST if posted else None, request.FILES if posted else None, initial=initial)
    if posted:
        if form.is_valid():
            data = form.cleaned_data
            files = [(checked.name, checked.data) for checked in data["files"]]
            try:
                send_case_message(
                    case, request.user, data["to"], [], data["subject"], data["body"], files, answers=original
                )
            except PermissionDenied as error:
                return refuse(request, case, error)
            except RejectedFile as rejected:
                form.add_error("files", rejected.reason)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                discard(request.user, case, Draft.Kind.REPLY)
                count = len(data["to"])
                done = "Message envoyé." if count == 1 else f"Message envoyé à {count} destinataires."
                messages.success(request, done + " Son statut d'envoi s'affiche dans le fil du dossier.")
                if original is not None and original.direction == Message.Direction.IN:
                    wagtail_messages.info(
                        request,
                        f"Le message de {original.from_email} est marqué comme traité : « Marquer à traiter » "
                        "sur ce message pour annuler.",
                        buttons=[wagtail_messages.button(f"{case_url(case)}#message-{original.pk}", "Voir le message")],
                    )
                return redirect(case_url(case, THREAD))
        messages.error(request, "Rien n'a été envoyé : corrigez les erreurs signalées.")
    context = case_context(request, case) | {
        "form": form,
        "original": original,
        "suggestions": recipient_suggestions(case),
        "page_title": compose_title(original),
        "header_icon": "mail",
        "draft_key": f"case_new_message_{case.number}" if original is None and not chosen else "",
        "templates": templates,
        "chosen": chosen,
    }
    return TemplateResponse(request, "cases/admin/case/message_form.html", context)


def message_processed(request: HttpRequest, number: int, message_pk: int) -> HttpResponse:
    case = load_case(request, number)
    message = message_of_case(case, message_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    processed = request.POST.get("processed") != "0"
    done = "Message marqué comme traité." if processed else "Message marqué à traiter."
    perform(request, lambda: mark_processed(case, message, processed, user=request.user), done)
    return redirect(case_url(case, THREAD))
