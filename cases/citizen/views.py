"""Pages of the citizen's space, under /suivi/ (cases/citizen/urls.py), without an account.

Every page here answers with `Referrer-Policy: no-referrer` and `Cache-Control: no-store` (`private`).
The case pages (`citizen_page`) need the session cookie a key opened (cases/citizen/keys.py); without
it, or when its key no longer opens the case, they show one refusal page, whatever the reason, and a
signed-in member of the platform always gets it.

The exchange URL carries the secret: it always answers a redirect to /suivi/dossier/ (no page of its
own, so no sub-resource sent as Referer, and no 4xx logged with its path), with the cookie when the key
is good; gunicorn's access log masks its path (cases/citizen/gunicorn.py).
"""

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cases.citizen import answer, consent, keys, recovery
from cases.citizen import withdraw as withdrawal
from cases.citizen.forms import AnswerForm, LetterCodeForm, RecoveryForm, WithdrawForm
from cases.citizen.keys import CitizenSession
from cases.citizen.models import AccessEvent
from cases.citizen.status import citizen_status
from cases.citizen.thread import citizen_documents, citizen_messages
from cases.models import AttachmentContent
from cases.views.documents import attachment_response

REFUSED_TEMPLATE = "citizen/refused.html"
TOO_MANY = "Trop de tentatives en peu de temps. Par sécurité, merci de réessayer dans une heure."


# Django's CSRF check, run by `private` itself (see there).
CSRF = CsrfViewMiddleware(lambda request: None)


def private(view: Callable) -> Callable:
    """No Referer leaves this space, no page of it is kept in a cache.

    Under `no-referrer` a browser posts this space's forms with `Origin: null` and no Referer, which
    Django's CSRF check refuses: here a null origin counts as this site's, and the check runs as
    usual otherwise. The CSRF token is still required (an attacker cannot read it), and the session
    cookie is SameSite=Lax (never sent with another site's POST)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.META.get("HTTP_ORIGIN") == "null":
            request.META["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        response = CSRF.process_view(request, view, args, kwargs) or view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store, private"
        return response

    return wrapper


def refused(request: HttpRequest) -> TemplateResponse:
    response = TemplateResponse(request, REFUSED_TEMPLATE, {"signed_in": request.user.is_authenticated}, status=404)
    keys.end_session(response)
    return response


def citizen_page(view: Callable) -> Callable:
    """A page of the citizen's case: its session, or the refusal page; each page seen extends the session."""

    @private
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        session = keys.session_of(request)
        if session is None:
            return refused(request)
        response = view(request, session, *args, **kwargs)
        keys.set_cookie(response, session.key)
        return response

    return wrapper


def page_context(session: CitizenSession, **extra) -> dict:
    case = session.case
    return {"case": case, "authority": case.authority, "citizen": case.citizen, **extra}


@private
def exchange(request: HttpRequest, secret: str) -> HttpResponse:
    key = None if request.user.is_authenticated else keys.key_for(secret)
    response = redirect("citizen:case")
    if key is None:
        keys.end_session(response)
    else:
        keys.open_session(key, response)
    return response


@citizen_page
def case_page(request: HttpRequest, session: CitizenSession) -> TemplateResponse:
    case = session.case
    entries = citizen_messages(case)
    context = page_context(
        session,
        status=citizen_status(case),
        entries=entries,
        documents=citizen_documents(case, entries),
        sent=request.GET.get("envoye") == "1",
        referral_question=None if case.anonymised_at else consent.question(case),
        page_url=authority_page_url(case),
    )
    return TemplateResponse(request, "citizen/case.html", context)


def authority_page_url(case) -> str:
    page = getattr(case.authority, "page", None)
    return page.url if page is not None and page.live else ""


@citizen_page
@require_http_methods(["GET", "POST"])
def answer_page(request: HttpRequest, session: CitizenSession) -> HttpResponse:
    case = session.case
    if case.anonymised_at is not None:
        raise Http404
    form = AnswerForm(request.POST or None, request.FILES or None)
    draft = answer.Draft(text="")
    if request.method == "POST":
        removed = {int(pk) for pk in request.POST.getlist("retirer") if pk.isdigit()}
        draft = answer.prepare(
            case, request.POST.get("text", ""), request.FILES.getlist("files"), request.POST.get("pending", ""), removed
        )
        if not draft.errors:
            answer.send(case, draft.text, draft.pending)
            AccessEvent.objects.create(case=case, key=session.key, kind=AccessEvent.Kind.ANSWERED)
            return redirect(reverse("citizen:case") + "?envoye=1#messages")
    context = page_context(session, form=form, draft=draft, pending_token=answer.sign_pending(case, draft.pending))
    return TemplateResponse(request, "citizen/answer.html", context)


@citizen_page
def download(request: HttpRequest, session: CitizenSession, attachment_pk: int) -> HttpResponse:
    case = session.case
    attachment = next((a for a in citizen_documents(case, citizen_messages(case)) if a.pk == attachment_pk), None)
    if attachment is None:
        raise Http404("Document introuvable.")
    data = AttachmentContent.objects.filter(attachment=attachment).values_list("data", flat=True).first()
    return attachment_response(bytes(data or b""), attachment.name, attachment.content_type)


@citizen_page
@require_http_methods(["GET", "POST"])
def withdraw_page(request: HttpRequest, session: CitizenSession) -> HttpResponse:
    case = session.case
    if case.is_closed:
        return redirect("citizen:case")
    form = WithdrawForm(request.POST or None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirmer") == "oui":
            withdrawal.withdraw(session.key, form.cleaned_data["reason"])
            return redirect("citizen:case")
        confirming = True
    return TemplateResponse(request, "citizen/withdraw.html", page_context(session, form=form, confirming=confirming))


@citizen_page
@require_POST
def referral_answer(request: HttpRequest, session: CitizenSession) -> HttpResponse:
    """The citizen's yes or no to the referral proposed « par son suivi en ligne » (cases/citizen/consent.py)."""
    referral = consent.question(session.case)
    if referral is not None and request.POST.get("accord") in ("oui", "non"):
        consent.answer(session.case, referral, request.POST["accord"] == "oui")
    return redirect("citizen:case")


@private
@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    response = redirect("citizen:recover")
    keys.end_session(response)
    return response


@private
@require_http_methods(["GET", "POST"])
def recover(request: HttpRequest) -> TemplateResponse:
    """Same page, same work, whether or not the number and the email match (cases/citizen/recovery.py)."""
    initial = {"number": request.GET.get("dossier")} if request.GET.get("dossier", "").isdigit() else None
    form = RecoveryForm(request.POST or None, initial=initial)
    context = {"form": form, "done": False, "refusal": ""}
    status = 200
    if request.method == "POST":
        number = request.POST.get("number", "")
        if not recovery.allow_recovery(request, int(number) if number.isdigit() else None):
            context["refusal"], status = TOO_MANY, 429
        elif form.is_valid():
            recovery.request_link(form.cleaned_data["number"], form.cleaned_data["email"])
            context["done"] = True
    return TemplateResponse(request, "citizen/recover.html", context, status=status)


@private
@require_http_methods(["GET", "POST"])
def letter_code(request: HttpRequest) -> HttpResponse:
    form = LetterCodeForm(request.POST or None)
    context = {"form": form, "refusal": ""}
    status = 200
    if request.method == "POST":
        number = request.POST.get("number", "")
        if request.user.is_authenticated:
            return refused(request)
        if not recovery.allow_recovery(request, int(number) if number.isdigit() else None):
            context["refusal"], status = TOO_MANY, 429
        elif form.is_valid():
            secret = keys.letter_secret(form.cleaned_data["number"], form.cleaned_data["code"])
            key = keys.key_for(secret)
            if key is not None:
                response = redirect("citizen:case")
                keys.open_session(key, response)
                return response
            context["refusal"] = "Ce numéro de dossier et ce code ne permettent pas d'ouvrir un dossier."
    return TemplateResponse(request, "citizen/letter_code.html", context, status=status)
