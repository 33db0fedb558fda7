"""Public page tree: HomePage → AuthorityPage → RequestFormPage / ContentPage.

The tree under each AuthorityPage is created with its authority (see pages/tree.py)
so each authority's editors only ever work inside their own section.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from pages.blocks import RICH_TEXT_FEATURES, ContentBlocks


class HomePage(Page):
    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(ContentBlocks(), verbose_name=_("contenu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["pages.AuthorityPage", "pages.ContentPage"]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil")


class AuthorityPage(Page):
    authority = models.OneToOneField(
        "authorities.Authority", on_delete=models.PROTECT, related_name="page", verbose_name=_("collectivité")
    )
    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(ContentBlocks(), verbose_name=_("contenu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.RequestFormPage", "pages.ContentPage"]

    class Meta:
        verbose_name = _("page de collectivité")


class RequestFormPage(RoutablePageMixin, Page):
    """Serves the mediation request form (a Django form, see cases/forms.py) and its thank-you page."""

    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    thank_you_text = RichTextField(_("texte de remerciement"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("thank_you_text")]

    parent_page_types = ["pages.AuthorityPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("formulaire de demande")


class ContentPage(Page):
    introduction = models.TextField(_("chapô"), blank=True)
    body = StreamField(ContentBlocks(), verbose_name=_("contenu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]

    parent_page_types = ["pages.HomePage", "pages.AuthorityPage", "pages.ContentPage"]
    subpage_types = ["pages.ContentPage"]

    class Meta:
        verbose_name = _("page de contenu")
