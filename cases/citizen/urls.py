"""The citizen's space, under /suivi/ (mediature/urls.py), outside the admin."""

from django.urls import path

from cases.citizen import views

app_name = "citizen"
urlpatterns = [
    path("acces/<str:secret>/", views.exchange, name="exchange"),
    path("dossier/", views.case_page, name="case"),
    path("dossier/repondre/", views.answer_page, name="answer"),
    path("dossier/documents/<int:attachment_pk>/", views.download, name="download"),
    path("dossier/retirer/", views.withdraw_page, name="withdraw"),
    path("dossier/transmission/", views.referral_answer, name="referral_answer"),
    path("quitter/", views.leave, name="leave"),
    path("retrouver/", views.recover, name="recover"),
    path("code/", views.letter_code, name="letter_code"),
]
