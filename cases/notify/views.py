"""« Mes notifications »: each agent chooses how they hear of the citizens' answers (agents only, else 404)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from cases.access import agent_authorities
from cases.notify.forms import SettingForm
from cases.notify.service import setting_for


def settings_page(request: HttpRequest) -> HttpResponse:
    if not agent_authorities(request.user):
        raise Http404("Page introuvable.")
    form = SettingForm(request.POST if request.method == "POST" else None, instance=setting_for(request.user))
    if form.is_valid():
        form.save()
        messages.success(request, "Vos notifications sont enregistrées.")
        return redirect("notify_settings")
    return TemplateResponse(request, "notify/settings.html", {"form": form})
