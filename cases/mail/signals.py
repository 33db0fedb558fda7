"""Signal wiring of the mail package, connected once from CasesConfig.ready."""

from anymail.signals import inbound, tracking
from django.db.models.signals import post_delete, post_save


def connect() -> None:
    from cases.mail import admin, routes, webhooks
    from cases.mail import tracking as bounces
    from cases.models import Case

    inbound.connect(webhooks.store_inbound_event, dispatch_uid="cases.store_inbound_event")
    tracking.connect(bounces.on_tracking_event, dispatch_uid="cases.on_tracking_event")
    post_save.connect(routes.on_case_saved, sender=Case, dispatch_uid="cases.create_parse_route")
    post_delete.connect(routes.on_case_deleted, sender=Case, dispatch_uid="cases.delete_parse_route")
    admin.register()
