"""The pages an admin user may see in the choosers, listings and reports: their sections only.

« Explorable » is Wagtail's own notion (pages the user has a permission on, and their ancestors):
an editor explores their authority's section under the home page, a platform admin everything, an
agent nothing (agents never edit pages; their rich text links use a form of ours).
"""

from functools import wraps

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from wagtail.admin.views.chooser import BrowseView, ChosenMultipleView
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.locked_pages import LockedPagesReportFilterSet
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.models import Page, PageLogEntry
from wagtail.permissions import policy_registry

from authorities.permissions import is_platform_admin


def explorable_pages(user) -> QuerySet[Page]:
    return policy_registry.get_by_type(Page).explorable_instances(user)


def scope_page_chooser(pages: QuerySet[Page], request) -> QuerySet[Page]:
    """construct_page_chooser_queryset: the chooser lists and finds explorable pages only."""
    return pages.filter(pk__in=explorable_pages(request.user).values("pk"))


class ScopedBrowseView(BrowseView):
    """The chooser opened on a page outside the user's sections is a 404 (Wagtail shows its draft title)."""

    def get(self, request, parent_page_id=None):
        if parent_page_id is not None and not explorable_pages(request.user).filter(pk=parent_page_id).exists():
            raise Http404
        return super().get(request, parent_page_id)


class ScopedChosenMultipleView(ChosenMultipleView):
    """Pages chosen by id outside the user's sections are left out (Wagtail answers their draft titles)."""

    def get(self, request):
        request.GET = request.GET.copy()
        request.GET.setlist(
            "id", explorable_pages(request.user).filter(pk__in=request.GET.getlist("id")).values_list("pk", flat=True)
        )
        return super().get(request)


def page_owners(request) -> QuerySet:
    return get_user_model().objects.filter(pk__in=explorable_pages(request.user).values("owner_id"))


def page_editors(request) -> QuerySet:
    return get_user_model().objects.filter(
        pk__in=PageLogEntry.objects.filter(action="wagtail.edit", page__in=explorable_pages(request.user)).values(
            "user_id"
        )
    )


def page_lockers(request) -> QuerySet:
    return get_user_model().objects.filter(pk__in=explorable_pages(request.user).values("locked_by_id"))


def scope_user_filters() -> None:
    """Narrow the user filters of Wagtail's page listings and reports, which have no hook.

    The filter objects are shared by every listing built on these filter sets (explorer, search, page type
    usage, locked pages), so setting their querysets once covers them all; the crawler test
    (tests/crawler/) would show a name of another authority if a Wagtail upgrade brought new ones.
    """
    PageFilterSet.base_filters["owner"].queryset = page_owners
    PageFilterSet.base_filters["edited_by"].queryset = page_editors
    LockedPagesReportFilterSet.base_filters["locked_by"].queryset = page_lockers


class PlatformAdminsOnly:
    """For reports about the whole platform, which cannot be narrowed to a section."""

    def dispatch(self, request, *args, **kwargs):
        if not is_platform_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PlatformPageTypesUsageReportView(PlatformAdminsOnly, PageTypesUsageReportView):
    """Counts and latest edited page (draft title, editor) per page type, over every authority."""


class PlatformSiteHistoryView(PlatformAdminsOnly, LogEntriesView):
    """Every change of the platform: pages, but also images and documents of every collection with their
    titles and authors (Wagtail shows those to anyone holding an image or document permission)."""


PLATFORM_REPORTS = {"page-types-usage", "site-history"}


def hide_platform_reports(request, menu_items: list) -> None:
    """construct_reports_menu: the platform reports are not offered to whom they would refuse."""
    if not is_platform_admin(request.user):
        menu_items[:] = [item for item in menu_items if item.name not in PLATFORM_REPORTS]


def editable_page_required(view):
    """Wagtail's workflow views name the page (in a flash message) before checking the user may act on it:
    the page is a 404 to whoever may not edit it."""

    @wraps(view)
    def guarded(request, page_id: int, *args, **kwargs):
        page = get_object_or_404(Page, pk=page_id)
        if not page.permissions_for_user(request.user).can_edit():
            raise Http404
        return view(request, page_id, *args, **kwargs)

    return guarded


def refuse_foreign_move(request, page: Page, destination: Page):
    """before_move_page: Wagtail's move confirmation shows both pages before checking the move is allowed."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied
