"""Build the public page tree: the platform home and its pages, and one section per authority.

`ensure_site` runs after every migrate (and after test flushes), so a fresh
database always serves a home page. `build_authority_section` runs when an
authority is created; editors then change the default French texts.
"""

from django.conf import settings
from django.db import transaction
from dsfr.models import DsfrConfig
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from pages import defaults
from pages.models import AuthorityPage, ContentPage, HomePage, RequestFormPage

REQUEST_FORM_SLUG = "faire-une-demande"


def ensure_site() -> HomePage:
    """Create the root, the home page, the platform pages and the default Site if missing."""
    # Wagtail's migrations create the default locale and root collection, but a test flush empties them.
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        for child in root.get_children():
            if child.specific_class is Page:  # Wagtail's placeholder "Welcome" page
                child.delete()
        root.refresh_from_db()
        home = create_page(root, HomePage(**defaults.HOME_PAGE))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Médiature"},
    )
    for page in defaults.platform_pages():
        if not ContentPage.objects.child_of(home).filter(slug=page["slug"]).exists():
            create_page(home, ContentPage(**page))
    DsfrConfig.objects.update_or_create(language=defaults.DSFR_CONFIG["language"], defaults=defaults.DSFR_CONFIG)
    return home


@transaction.atomic
def build_authority_section(authority) -> AuthorityPage:
    home = ensure_site()
    section = create_page(home, AuthorityPage(authority=authority, **defaults.authority_page(authority)))
    create_page(section, RequestFormPage(slug=REQUEST_FORM_SLUG, **defaults.request_form_page(authority)))
    for page in defaults.authority_content_pages(authority):
        create_page(section, ContentPage(**page))
    return section


def create_page(parent: Page, page: Page) -> Page:
    """Add a live page as the admin would, with a first published revision (Wagtail logs the creation),
    so editors see when it was last updated and can compare their changes with the default text."""
    parent.add_child(instance=page)
    page.save_revision(log_action=False).publish(log_action=False)
    return page
