"""Account pages reached before signing in, under /admin/ (the admin's look and security headers).

Included in mediature/urls.py before Wagtail's admin URLs, so the password
reset confirmation here replaces Wagtail's (same path, same name).
"""

from django.urls import path

from authorities.views import signup

urlpatterns = [
    path("inscription/", signup.signup, name="authorities_signup"),
    path("inscription/<str:token>/", signup.signup_token, name="authorities_signup_token"),
    path(
        "password_reset/confirm/<uidb64>/<token>/",
        signup.password_reset_confirm,
        name="wagtailadmin_password_reset_confirm",
    ),
]
