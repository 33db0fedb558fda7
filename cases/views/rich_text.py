"""The rich-text fields of the case pages (note content, message body): Wagtail's Draftail editor.

A small feature set: bold, italic, ordered and unordered lists, and links to a web
address, chosen in a form of our own (`LinkChooserView`) instead of Wagtail's page
chooser. Draftail posts its contentstate JSON, which the widget turns into Wagtail's
database-format HTML (`<p data-block-key="…">…</p>`); the services clean that HTML
again with nh3 (`cases.mail.sanitize`), which also drops the `data-block-key`
attributes, so what is stored is safe whatever is posted.

Only contentstate is accepted. Anything else (plain text, raw HTML) is a form
error: the editor is the only way to type in these fields (there is no textarea
to fall back on without JavaScript), so another value comes from a script or a
tampered request, and guessing whether it is text or HTML is what the editor
replaced.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.http import Http404
from django.urls import reverse_lazy
from draftjs_exporter.dom import DOM
from wagtail.admin.rich_text import DraftailRichTextArea
from wagtail.admin.rich_text.converters.html_to_contentstate import ExternalLinkElementHandler
from wagtail.admin.rich_text.editors.draftail.features import EntityFeature
from wagtail.admin.views.chooser import BaseLinkFormView
from wagtail.whitelist import check_url

from cases.access import agent_authority_ids

LINK_FEATURE = "case-link"
FEATURES = ["bold", "italic", "ol", "ul", LINK_FEATURE]
UNREADABLE = "Le contenu n'a pas pu être lu : rechargez la page, puis écrivez-le à nouveau dans l'éditeur."


def web_link(props: dict):
    """A link entity as `<a href>` to its (checked) web address: never a link to a Wagtail page."""
    return DOM.create_element("a", {"href": check_url(props.get("url"))}, props["children"])


def register_link_feature(features) -> None:
    """The « case-link » Draftail feature: Wagtail's LINK entity, every chooser URL pointing at our form."""
    chooser = reverse_lazy("case_link_chooser")
    link_types = ("pageChooser", "externalLinkChooser", "emailLinkChooser", "phoneLinkChooser", "anchorLinkChooser")
    features.register_editor_plugin(
        "draftail",
        LINK_FEATURE,
        EntityFeature(
            {
                "type": "LINK",
                "icon": "link",
                "description": "Lien",
                "attributes": ["url"],
                "allowlist": {"href": "^(https?:|undefined$)"},  # pasted links: web addresses only
                "chooserUrls": dict.fromkeys(link_types, chooser),
            },
            js=["wagtailadmin/js/page-chooser-modal.js"],  # the chooser modal's steps
        ),
    )
    features.register_converter_rule(
        "contentstate",
        LINK_FEATURE,
        {
            "from_database_format": {"a[href]": ExternalLinkElementHandler("LINK")},
            "to_database_format": {"entity_decorators": {"LINK": web_link}},
        },
    )


class Unreadable(str):
    """A posted value that is not Draftail's contentstate: the field refuses it."""


class RichTextArea(DraftailRichTextArea):
    def __init__(self, attrs=None):
        super().__init__(features=FEATURES, attrs=attrs)

    @property
    def media(self) -> forms.Media:
        """Draftail's media and our script that writes the editor's text into the form as it is sent
        (static/js/draftail-save.js): Draftail itself writes it 250 ms after the last change only."""
        return super().media + forms.Media(js=["js/draftail-save.js"])

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if value is None or not value.strip():
            return value  # nothing posted: the field's "required" error
        try:
            return self.converter.to_database_format(value)
        except Exception:  # malformed JSON or contentstate, whatever the exporter trips on: a form error, not a 500
            return Unreadable(value)

    def format_value(self, value):
        return super().format_value("" if isinstance(value, Unreadable) else value)

    def get_context(self, name, value, attrs):
        """Names the editor after the field's label (`{% formattedfield %}` gives it the id "<field id>-label"),
        which Draftail does not do by itself, and describes it with the field's help text and errors."""
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if widget_attrs.get("id"):
            options = {**self.options, "ariaLabelledBy": f"{widget_attrs['id']}-label"}
            if widget_attrs.get("aria-describedby"):
                options["ariaDescribedBy"] = widget_attrs["aria-describedby"]
            widget_attrs["data-w-init-detail-value"] = json.dumps(options, cls=DjangoJSONEncoder)
        return context


class RichTextField(forms.CharField):
    """HTML written in Draftail; cleaned by the service that stores it."""

    widget = RichTextArea

    def to_python(self, value):
        if isinstance(value, Unreadable):
            raise ValidationError(UNREADABLE, code="unreadable")
        return super().to_python(value)


class LinkForm(forms.Form):
    url = forms.URLField(
        label="Adresse du lien",
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"], message="Indiquez une adresse web (https://…).")],
        help_text="Une adresse web complète, par exemple https://www.service-public.fr/",
    )
    link_text = forms.CharField(
        label="Texte du lien", required=False, help_text="Laissez vide pour garder le texte sélectionné."
    )


class LinkChooserView(BaseLinkFormView):
    """Wagtail's external link step on its own: no tabs to pages or anchors, and an address of our own
    site stays an address (Wagtail's external link view would turn it into a page link)."""

    form_prefix = "case-link"
    form_class = LinkForm
    template_name = "cases/admin/link_chooser.html"
    step_name = "external_link"  # page-chooser-modal.js posts the form and hands the link to Draftail
    link_url_field_name = "url"

    def dispatch(self, request, *args, **kwargs):
        if not agent_authority_ids(request.user).exists():
            raise Http404("Page introuvable.")  # only agents write notes and messages
        return super().dispatch(request, *args, **kwargs)
