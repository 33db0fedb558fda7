"""Delivery reports from the providers' tracking webhooks: a bounced email is marked undelivered."""

from django.db.models import Q

from cases.models import Message

FAILURES = {"bounced", "rejected", "failed"}


def is_soft_bounce(event) -> bool:
    """Anymail reports soft bounces as "bounced", but the provider keeps retrying them: not final yet."""
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    return raw.get("event") == "soft_bounce" or (raw.get("event") == "bounce" and not raw.get("hard_bounce", True))


def on_tracking_event(sender, event, esp_name: str, **kwargs) -> None:
    if event.event_type not in FAILURES or not event.message_id or is_soft_bounce(event):
        return
    provider_id = str(event.message_id)
    listed = (
        Q(provider_message_id=provider_id)
        | Q(provider_message_id__startswith=f"{provider_id},")
        | Q(provider_message_id__endswith=f",{provider_id}")
        | Q(provider_message_id__contains=f",{provider_id},")
    )
    reason = event.description or event.mta_response or event.reject_reason or event.event_type
    Message.objects.filter(listed, direction=Message.Direction.OUT).exclude(status=Message.State.FAILED).update(
        status=Message.State.UNDELIVERED, error=f"{esp_name} : {reason}"[:2000]
    )
