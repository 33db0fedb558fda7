"""URLs of one case, under /admin/dossiers/<N>/ (registered in cases/wagtail_hooks.py, namespace "case").

Every view starts with `cases.access.get_case_or_404`, so a case outside the
user's agent memberships is a 404 whatever the URL.
"""

from django.urls import path

from cases.drafts import views as drafts
from cases.mail import views as mail
from cases.privacy import views as privacy
from cases.referral import views as referral
from cases.views import actions, case, documents, messages, notes, synthesis

urlpatterns = [
    path("", case.detail, name="detail"),
    path("modifier/<slug:section>/", case.edit, name="edit"),
    path("informations/", case.facts, name="facts"),
    path("m-attribuer/", actions.assign_to_me, name="assign_to_me"),
    path("desassigner/", actions.unassign, name="unassign"),
    path("assigner/", actions.assign, name="assign"),
    path("cloturer/", actions.close, name="close"),
    path("reouvrir/", actions.reopen, name="reopen"),
    path("supprimer/", actions.delete, name="delete"),
    path("conservation/", privacy.hold, name="hold"),
    path("conservation/lever/", privacy.hold_lift, name="hold_lift"),
    path("transmettre/", referral.propose, name="referral_propose"),
    path("transmettre/retirer/", referral.withdraw, name="referral_withdraw"),
    path("notes/ajouter/", notes.note_add, name="note_add"),
    path("notes/<int:note_pk>/modifier/", notes.note_edit, name="note_edit"),
    path("notes/<int:note_pk>/supprimer/", notes.note_delete, name="note_delete"),
    path("documents/ajouter/", documents.document_upload, name="document_upload"),
    path("documents/<int:attachment_pk>/", documents.document_download, name="document_download"),
    path("documents/<int:attachment_pk>/supprimer/", documents.document_delete, name="document_delete"),
    path("synthese.pdf", synthesis.synthesis, name="synthesis"),
    path("messages/nouveau/", messages.message_compose, name="message_compose"),
    path("brouillon/<slug:kind>/", drafts.draft_save, name="draft_save"),
    path("messages/<int:message_pk>/traite/", messages.message_processed, name="message_processed"),
    path("messages/<int:message_pk>/original/", mail.message_original, name="message_original"),
    path("messages/<int:message_pk>/original.eml", mail.message_raw, name="message_raw"),
]
