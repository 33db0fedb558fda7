"""Inbound mail webhooks, mounted under /mail/ (the URLs given to Mailjet and Brevo, with the basic auth)."""

from django.urls import path

from cases.mail.webhooks import BrevoInboundView, BrevoTrackingView, MailjetInboundView, MailjetTrackingView

app_name = "mail"
urlpatterns = [
    path("mailjet/inbound/", MailjetInboundView.as_view(), name="mailjet_inbound"),
    path("brevo/inbound/", BrevoInboundView.as_view(), name="brevo_inbound"),
    path("mailjet/tracking/", MailjetTrackingView.as_view(), name="mailjet_tracking"),
    path("brevo/tracking/", BrevoTrackingView.as_view(), name="brevo_tracking"),
]
