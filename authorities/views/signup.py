"""Sign-up from an invitation link, and the password reset confirmation that sends our email.

The link carries the token in its path; the view keeps it in the session and
redirects to the same page without it (as Django's password reset does), so the
token does not stay in the address bar, the history or a Referer header.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from wagtail.admin.views.account import PasswordResetConfirmView as WagtailPasswordResetConfirmView

from authorities import invitations
from authorities.forms import SignupForm
from authorities.passwords import notify_password_reset

SESSION_KEY = "mediature_invitation_token"


@never_cache
@sensitive_variables("token")
def signup_token(request, token: str):
    request.session[SESSION_KEY] = token
    return redirect("authorities_signup")


@never_cache
@sensitive_post_parameters("password")
@sensitive_variables("token")
def signup(request):
    token = request.session.get(SESSION_KEY, "")
    try:
        invitation = invitations.find(token)
    except invitations.InvitationError as error:
        return TemplateResponse(request, "authorities/signup_invalid.html", {"reason": str(error)}, status=410)
    form = SignupForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.sign_up(
                token,
                email=invitation.email,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password"],
            )
        except invitations.InvitationError as error:
            return TemplateResponse(request, "authorities/signup_invalid.html", {"reason": str(error)}, status=410)
        del request.session[SESSION_KEY]
        messages.success(
            request, "Votre compte est créé. Connectez-vous avec votre adresse électronique et votre mot de passe."
        )
        return redirect(f"{reverse('wagtailadmin_login')}?registered")
    return TemplateResponse(request, "authorities/signup.html", {"form": form, "invitation": invitation})


class PasswordResetConfirmView(WagtailPasswordResetConfirmView):
    """Wagtail's view (60-minute, one-use link), which also confirms the reset by email."""

    def form_valid(self, form):
        response = super().form_valid(form)
        notify_password_reset(form.user)
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()
