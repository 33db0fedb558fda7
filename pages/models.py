"""Public page tree: HomePage → AuthorityPage → RequestFormPage / ContentPage.

The tree under each AuthorityPage is created with its authority (see pages/tree.py)
so each authority's editors only ever work inside their own section.
"""

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from pages.blocks import RICH_TEXT_FEATURES, ContentBlocks
from pages.finder.forms import FinderForm
from pages.finder.views import FINDER_PATH, find_mediator
from pages.navigation import breadcrumb, main_navigation
from pages.request_form import render_form, submit

THANK_YOU_TITLE = "Demande envoyée"


class PublicPage(Page):
    """What every public page template needs: the main navigation and the breadcrumb."""

    class Meta:
        abstract = True

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        section = AuthorityPage.objects.ancestor_of(self, inclusive=True).first()
        context["navigation"] = main_navigation(self, request, section)
        context["breadcrumb_data"] = breadcrumb(self, request)
        return context


class WithContentPages:
    """Lists the ContentPage children, which the template links to."""

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["content_pages"] = ContentPage.objects.child_of(self).live().public()
        return context


class HomePage(RoutablePageMixin, PublicPage):
    """The platform's home: « Trouver mon médiateur » (pages/finder/) and the authorities' sections."""

    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(ContentBlocks(), verbose_name=_("contenu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["pages.AuthorityPage", "pages.ContentPage", "insight.StatisticsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["authority_pages"] = (
            AuthorityPage.objects.child_of(self).live().public().select_related("authority__logo").order_by("title")
        )
        context["finder_form"] = FinderForm()
        context["finder_url"] = self.get_url(request) + self.reverse_subpage("find_mediator")
        return context

    @path(FINDER_PATH, name="find_mediator")
    def find_mediator_view(self, request: HttpRequest) -> HttpResponse:
        return find_mediator(self, request)


class AuthorityPage(WithContentPages, PublicPage):
    authority = models.OneToOneField(
        "authorities.Authority", on_delete=models.PROTECT, related_name="page", verbose_name=_("collectivité")
    )
    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(ContentBlocks(), verbose_name=_("contenu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.RequestFormPage", "pages.ContentPage", "insight.StatisticsPage"]

    class Meta:
        verbose_name = _("page de collectivité")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["request_form_page"] = RequestFormPage.objects.child_of(self).live().first()
        return context


class RequestFormPage(RoutablePageMixin, PublicPage):
    """Serves the mediation request form (a Django form, see cases/forms.py) and its thank-you page.

    The form posts to the page itself; on success it redirects (POST/redirect/GET)
    to `merci/`, which shows the case number passed through the session, so the
    number never appears in a URL and a reload or a bookmark of `merci/` leads
    back to the form.
    """

    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    thank_you_text = RichTextField(_("texte de remerciement"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("thank_you_text")]

    parent_page_types = ["pages.AuthorityPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("formulaire de demande")

    @cached_property
    def authority(self):
        return AuthorityPage.objects.ancestor_of(self).select_related("authority").get().authority

    @property
    def session_key(self) -> str:
        return f"request-form-{self.pk}-case"

    @path("", name="form")
    def form_view(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            return submit(self, request)
        return render_form(self, request)

    @path("merci/", name="thank_you")
    def thank_you_view(self, request: HttpRequest) -> HttpResponse:
        number = request.session.pop(self.session_key, None)
        if number is None:
            return redirect(self.get_url(request))
        return self.render(
            request,
            template="pages/request_form_thank_you.html",
            context_overrides={
                "case_number": number,
                "breadcrumb_data": breadcrumb(self, request, current_title=THANK_YOU_TITLE),
            },
        )


class ContentPage(WithContentPages, PublicPage):
    introduction = models.TextField(_("chapô"), blank=True)
    body = StreamField(ContentBlocks(), verbose_name=_("contenu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]

    parent_page_types = ["pages.HomePage", "pages.AuthorityPage", "pages.ContentPage"]
    subpage_types = ["pages.ContentPage"]

    class Meta:
        verbose_name = _("page de contenu")
