"""The two provider doors of inbound mail (and their delivery reports): anymail's Mailjet and Brevo inbound webhooks.

Anymail's views parse the provider's payload into an AnymailInboundMessage and
send the `anymail.signals.inbound` signal; `store_inbound_event` (connected in
CasesConfig.ready) stores its raw bytes. These subclasses only change how the
door answers, as the platform needs:

- no webhook secret configured: 403, never an open door (anymail would only warn);
- missing or wrong basic auth: 401 (anymail answers 400);
- body over the size limit: 413, without reading it;
- malformed payload: 400, nothing stored or changed, on every door (anymail's own
  parsing answered 500 to `{bad`, `[1,2,3]`, `{"a":1}` or non-UTF-8 bytes, and the
  provider retried forever);
- everything in the request is stored in one transaction before the 200.

Each view says what its provider posts (`esp_events`): one email or report object,
or a list of them, each with the field anymail relies on ("Headers", "event").
"""

import json

import requests
from anymail.exceptions import AnymailError, AnymailWebhookValidationFailure
from anymail.webhooks.brevo import BrevoInboundWebhookView, BrevoTrackingWebhookView
from anymail.webhooks.mailjet import MailjetInboundWebhookView, MailjetTrackingWebhookView
from django.db import transaction
from django.http import HttpResponse

from cases.mail.inbound import InboundTooLarge, max_bytes, store_raw

# What anymail raises on a payload of the wrong shape (its mapping trusts the provider's format).
MAPPING_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError, AnymailError)


class MalformedPayload(ValueError):
    """The body is not what the provider posts: the door answers 400."""


def is_email(value) -> bool:
    """An inbound email as Mailjet and Brevo post it: an object with its "Headers" object."""
    return isinstance(value, dict) and isinstance(value.get("Headers"), dict)


def is_report(value) -> bool:
    """A delivery report as Mailjet and Brevo post it: an object naming its "event"."""
    return isinstance(value, dict) and isinstance(value.get("event"), str)


def checked(items: list, is_valid) -> list[dict]:
    if not isinstance(items, list) or not all(is_valid(item) for item in items):
        raise MalformedPayload("payload")
    return items


class GuardedMixin:
    """403 without a configured secret, 401 with missing or wrong credentials, 400 on a malformed body."""

    def refusal(self, request) -> HttpResponse | None:
        if not self.basic_auth:
            return HttpResponse("Webhook non configuré.", status=403)
        try:
            self.run_validators(request)
        except AnymailWebhookValidationFailure:
            response = HttpResponse("Identifiants manquants ou incorrects.", status=401)
            response["WWW-Authenticate"] = 'Basic realm="mediature"'
            return response
        return None

    def esp_events(self, payload) -> list[dict]:
        """The provider's event objects in the decoded JSON body; MalformedPayload when it holds something else."""
        raise NotImplementedError

    def events(self, body: bytes) -> list:
        """anymail's events from the raw body, or MalformedPayload (a provider's API failure passes through)."""
        try:
            return [self.esp_to_anymail_event(item) for item in self.esp_events(json.loads(body.decode("utf-8")))]
        except requests.RequestException:
            raise
        except MAPPING_ERRORS as error:
            raise MalformedPayload("payload") from error


def malformed() -> HttpResponse:
    return HttpResponse("Contenu invalide.", status=400)


class GuardedTrackingMixin(GuardedMixin):
    def post(self, request, *args, **kwargs):
        refusal = self.refusal(request)
        if refusal is not None:
            return refusal
        try:
            events = self.events(request.body)
        except MalformedPayload:
            return malformed()
        for event in events:
            self.signal.send(sender=self.__class__, event=event, esp_name=self.esp_name)
        return HttpResponse()


class MailjetTrackingView(GuardedTrackingMixin, MailjetTrackingWebhookView):
    def esp_events(self, payload) -> list[dict]:
        """One report, or a list of them when « group events » is on in Mailjet's webhook settings."""
        return checked(payload if isinstance(payload, list) else [payload], is_report)


class BrevoTrackingView(GuardedTrackingMixin, BrevoTrackingWebhookView):
    def esp_events(self, payload) -> list[dict]:
        return checked([payload], is_report)


class GuardedInboundMixin(GuardedMixin):
    def post(self, request, *args, **kwargs):
        refusal = self.refusal(request)
        if refusal is not None:
            return refusal
        if int(request.META.get("CONTENT_LENGTH") or 0) > max_bytes():
            return HttpResponse("Message trop volumineux.", status=413)
        body = request.read(max_bytes() + 1)
        if len(body) > max_bytes():
            return HttpResponse("Message trop volumineux.", status=413)
        try:
            events = self.events(body)
        except requests.RequestException:
            return HttpResponse("Pièce jointe indisponible chez le fournisseur, réessayez.", status=502)
        except MalformedPayload:
            return malformed()
        try:
            with transaction.atomic():
                for event in events:
                    self.signal.send(sender=self.__class__, event=event, esp_name=self.esp_name)
        except InboundTooLarge:
            return HttpResponse("Message trop volumineux.", status=413)
        return HttpResponse()


class MailjetInboundView(GuardedInboundMixin, MailjetInboundWebhookView):
    def esp_events(self, payload) -> list[dict]:
        return checked([payload], is_email)


class BrevoInboundView(GuardedInboundMixin, BrevoInboundWebhookView):
    def esp_events(self, payload) -> list[dict]:
        return checked(payload.get("items") if isinstance(payload, dict) else None, is_email)


def store_inbound_event(sender, event, esp_name: str, **kwargs) -> None:
    """Receiver of anymail's inbound signal: the raw email is stored before the webhook answers."""
    message = event.message
    store_raw(
        message.as_bytes(),
        esp_name.lower(),
        envelope_sender=message.envelope_sender or "",
        envelope_recipient=message.envelope_recipient or "",
    )
