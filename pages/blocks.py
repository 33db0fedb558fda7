"""The small block library editors compose public pages with; each block renders through a DSFR template."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Texte"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Niveau"), choices=[("h2", _("Titre de section")), ("h3", _("Sous-titre"))], default="h2"
    )

    class Meta:
        icon = "title"
        label = _("Titre")
        template = "pages/blocks/heading.html"


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titre"), max_length=200, required=False)
    text = blocks.RichTextBlock(label=_("Texte"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = _("Mise en avant")
        template = "pages/blocks/callout.html"


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=255)
    answer = blocks.RichTextBlock(label=_("Réponse"), features=RICH_TEXT_FEATURES)


class FaqBlock(blocks.StructBlock):
    items = blocks.ListBlock(FaqItemBlock(), label=_("Questions"))

    class Meta:
        icon = "help"
        label = _("Questions fréquentes (accordéon)")
        template = "pages/blocks/faq.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(
        label=_("Texte alternatif"),
        max_length=255,
        required=False,
        help_text=_("Laisser vide si l'image est décorative."),
    )
    caption = blocks.CharBlock(label=_("Légende"), max_length=255, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "pages/blocks/image.html"


class LinkButtonBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Libellé"), max_length=100)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("ou adresse externe"), required=False)

    class Meta:
        icon = "link"
        label = _("Bouton lien")
        template = "pages/blocks/link_button.html"

    def clean(self, value):
        value = super().clean(value)
        if not (value.get("page") or value.get("url")):
            raise blocks.StructBlockValidationError(
                {"page": blocks.BlockValidationError(_("Choisissez une page ou une adresse."))}
            )
        return value


class ContentBlocks(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Texte"), features=RICH_TEXT_FEATURES, template="pages/blocks/paragraph.html"
    )
    callout = CalloutBlock()
    faq = FaqBlock()
    image = ImageBlock()
    button = LinkButtonBlock()
