"""Main navigation and breadcrumb of the public pages, in the shapes django-dsfr's templates expect.

The menu follows where the visitor is: the home page, then, inside an
authority's section, that section's pages marked "show in menus", so a citizen
of one authority only sees the pages of that authority.
"""

from django.http import HttpRequest
from wagtail.models import Page

HOME_LABEL = "Accueil"
HOME_URL = "/"
# The tree is Root (depth 1) → HomePage (depth 2, the site root) → sections; the breadcrumb starts below the home.
SITE_ROOT_DEPTH = 2


def nav_item(page: Page, request: HttpRequest, current: Page) -> dict:
    return {"title": page.title, "url": page.get_url(request), "current": page.pk == current.pk}


def main_navigation(page: Page, request: HttpRequest, section: Page | None) -> list[dict]:
    """Home, then the authority `section` the page belongs to (if any) and its pages shown in menus."""
    items = [{"title": HOME_LABEL, "url": HOME_URL, "current": page.depth == SITE_ROOT_DEPTH}]
    if section is not None:
        items.append(nav_item(section, request, page))
        items += [nav_item(child, request, page) for child in section.get_children().live().public().in_menu()]
    return items


def breadcrumb(page: Page, request: HttpRequest, current_title: str = "") -> dict | None:
    """DSFR breadcrumb data; `current_title` names a sub-route (the page itself then becomes a link)."""
    if page.depth <= SITE_ROOT_DEPTH:
        return None
    links = [
        {"url": ancestor.get_url(request), "title": ancestor.title}
        for ancestor in page.get_ancestors().filter(depth__gt=SITE_ROOT_DEPTH)
    ]
    if current_title:
        links.append({"url": page.get_url(request), "title": page.title})
    return {"links": links, "current": current_title or page.title}
