"""The two provider doors of inbound mail (and their delivery reports): anymail's Mailjet and Brevo inbound webhooks.

Anymail's views parse the provider's payload into an AnymailInboundMessage and
send the `anymail.signals.inbound` signal; `store_inbound_event` (connected in
CasesConfig.ready) stores its raw bytes. These subclasses only change how the
door answers, as the platform needs:

- no webhook secret configured: 403, never an open door (anymail would only warn);
- missing or wrong basic auth: 401 (anymail answers 400);
- body over the size limit: 413, without reading it;
- malformed payload: 400, nothing stored;
- everything in the request is stored in one transaction before the 200.
"""

import json

import requests
from anymail.exceptions import AnymailError, AnymailWebhookValidationFailure
from anymail.webhooks.brevo import BrevoInboundWebhookView, BrevoTrackingWebhookView
from anymail.webhooks.mailjet import MailjetInboundWebhookView, MailjetTrackingWebhookView
from django.db import transaction
from django.http import HttpResponse

from cases.mail.inbound import InboundTooLarge, max_bytes, store_raw


class GuardedMixin:
    """403 without a configured secret, 401 with missing or wrong credentials."""

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


class GuardedTrackingMixin(GuardedMixin):
    def post(self, request, *args, **kwargs):
        return self.refusal(request) or super().post(request, *args, **kwargs)


class MailjetTrackingView(GuardedTrackingMixin, MailjetTrackingWebhookView):
    pass


class BrevoTrackingView(GuardedTrackingMixin, BrevoTrackingWebhookView):
    pass


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
            events = self.parse_payload(json.loads(body.decode("utf-8")))
        except requests.RequestException:
            return HttpResponse("Pièce jointe indisponible chez le fournisseur, réessayez.", status=502)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError, AnymailError):
            return HttpResponse("Contenu invalide.", status=400)
        try:
            with transaction.atomic():
                for event in events:
                    self.signal.send(sender=self.__class__, event=event, esp_name=self.esp_name)
        except InboundTooLarge:
            return HttpResponse("Message trop volumineux.", status=413)
        return HttpResponse()


class MailjetInboundView(GuardedInboundMixin, MailjetInboundWebhookView):
    def parse_payload(self, payload: dict) -> list:
        if not isinstance(payload, dict):
            raise TypeError("payload")
        return [self.esp_to_anymail_event(payload)]


class BrevoInboundView(GuardedInboundMixin, BrevoInboundWebhookView):
    def parse_payload(self, payload: dict) -> list:
        return [self.esp_to_anymail_event(item) for item in payload["items"]]


def store_inbound_event(sender, event, esp_name: str, **kwargs) -> None:
    """Receiver of anymail's inbound signal: the raw email is stored before the webhook answers."""
    message = event.message
    store_raw(
        message.as_bytes(),
        esp_name.lower(),
        envelope_sender=message.envelope_sender or "",
        envelope_recipient=message.envelope_recipient or "",
    )
