"""The main agents' reply templates: list and add on one page, edit, delete (their authorities only, else 404)."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from authorities.models import Authority, Role
from authorities.permissions import authority_ids_as
from cases.mail.sanitize import sanitize_html
from cases.replies.models import PLACEHOLDERS, ReplyTemplate
from cases.views.rich_text import RichTextField


class TemplateForm(forms.ModelForm):
    body = RichTextField(
        label="Texte",
        help_text="Remplacés à l'insertion : " + ", ".join(f"{key} ({label})" for key, label in PLACEHOLDERS.items()),
    )

    class Meta:
        model = ReplyTemplate
        fields = ["authority", "title", "body"]

    def __init__(self, authorities, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        self.fields["authority"].label = "Collectivité"
        if len(authorities) == 1:  # the queryset is read once, here, for its options too
            self.fields["authority"].initial = authorities[0].pk

    def clean_body(self) -> str:
        return sanitize_html(self.cleaned_data["body"])


def managed(request: HttpRequest):
    authorities = Authority.objects.filter(pk__in=authority_ids_as(request.user, [Role.MAIN_AGENT])).order_by("name")
    if not authorities:
        raise Http404("Page introuvable.")
    return authorities


def template_of(request: HttpRequest, pk: int, authorities) -> ReplyTemplate:
    try:
        return ReplyTemplate.objects.filter(authority__in=authorities).get(pk=pk)
    except ReplyTemplate.DoesNotExist:
        raise Http404("Modèle introuvable.") from None


def form_page(request: HttpRequest, authorities, template: ReplyTemplate | None) -> HttpResponse:
    form = TemplateForm(authorities, request.POST if request.method == "POST" else None, instance=template)
    if form.is_valid():
        form.save()
        messages.success(request, "Modèle enregistré.")
        return redirect("reply_templates")
    context = {
        "form": form,
        "template": template,
        "templates": ReplyTemplate.objects.filter(authority__in=authorities).select_related("authority"),
    }
    return TemplateResponse(request, "replies/templates.html", context)


def templates_page(request: HttpRequest) -> HttpResponse:
    return form_page(request, managed(request), None)


def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    authorities = managed(request)
    return form_page(request, authorities, template_of(request, pk, authorities))


def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = template_of(request, pk, managed(request))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    template.delete()
    messages.success(request, f"Modèle « {template.title} » supprimé.")
    return redirect("reply_templates")
