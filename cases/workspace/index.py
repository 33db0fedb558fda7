"""The agents' case index in Wagtail's admin (/admin/dossiers/), a wagtail-modeladmin list.

Three views through the `vue` parameter: « Tous les dossiers » (the default:
/admin/dossiers/ is the list of the user's authorities, like the original's
« Tous les dossiers »), « Mes dossiers » and « Non assignés ». Filters narrow it
(open / closed, status, domain, assignee, channel, and the authority for agents
of several). The search box takes a case number or words looked up in the
citizen's names and email, the description, the notes and the messages
(cases/search/). A search is counted up to 1 000 (« plus de 1 000 résultats »), and
written to the audit log (one row per authority searched, without its term).

Rows are sorted with cases holding unprocessed inbound messages first, then by
due date (soonest first, none last), then newest first. That order is paged
without computing a per-case subquery for the sort (`UnprocessedFirst`): the
cases with messages to process are few (the work waiting) and paged apart from
the others, which are read in (due date, number) order up to the page's end only
(a top-N sort today; an index on (authority, due date NULLS LAST, number DESC)
would make it an index scan stopping at the page, see issue #10).

A page costs a fixed number of queries whatever its rows: one aggregate counts
the three views (shown on the tabs), the list and its cases with messages to
process (a second aggregate when filters or a search narrow the list); one query
reads the page's rows with citizen, assignee and authority joined and the
unprocessed count of those rows only; the filters' choices are one query each.
"""

import operator
from functools import cache, reduce

from django.contrib.admin import SimpleListFilter, display
from django.contrib.auth.models import Permission
from django.core.paginator import InvalidPage
from django.db import connection
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.http import Http404
from django.urls import NoReverseMatch, re_path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext
from wagtail.admin.paginator import WagtailPaginator
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.helpers.search import BaseSearchHandler
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView

from authorities.models import AGENT_ROLES, User
from cases import audit
from cases.access import agent_authorities, cases_for
from cases.dates import DueState, due_state
from cases.models import Case, Domain, MessageCase
from cases.search import count_up_to, search_cases

VIEW_PARAM = "vue"
VIEW_MINE = "mes-dossiers"
VIEW_UNASSIGNED = "non-assignes"
FILTER_PARAMS = {VIEW_PARAM, "etat", "status__exact", "domaine", "mediateur", "channel__exact", "collectivite"}
VIEW_TITLES = {None: "Tous les dossiers", VIEW_MINE: "Mes dossiers", VIEW_UNASSIGNED: "Dossiers non assignés"}
SEARCH_COUNT_LIMIT = 1000
# The index's order after the cases with messages to process.
DUE_ORDER = (F("due_date").asc(nulls_last=True), F("number").desc())
MORE_RESULTS_LABEL = f"plus de {SEARCH_COUNT_LIMIT:,} résultats".replace(",", "\N{NO-BREAK SPACE}")


def index_url(view: str | None = None) -> str:
    url = reverse("dossiers_modeladmin_index")
    return f"{url}?{VIEW_PARAM}={view}" if view else url


def optional_url(name: str, *args) -> str | None:
    """The URL of a view that another part of the workspace may not have registered yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@cache
def has_url(name: str) -> bool:
    try:
        reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True


def case_detail_url(number: int) -> str | None:
    return reverse("case:detail", args=[number]) if has_url("case:detail") else None


def assign_to_me_url(number: int) -> str | None:
    return reverse("case:assign_to_me", args=[number]) if has_url("case:assign_to_me") else None


def agent_authority_pks(user) -> list[int]:
    return [authority.pk for authority in agent_authorities(user)]


def has_unprocessed() -> Exists:
    """The case has an inbound message still to process."""
    return Exists(MessageCase.objects.filter(case=OuterRef("pk"), processed=False))


def unprocessed_first() -> OrderBy:
    """Rows annotated with `unprocessed_count` (`with_unprocessed_count`), those with messages to process first."""
    return ExpressionWrapper(Q(unprocessed_count__gt=0), output_field=BooleanField()).desc()


def view_condition(view: str | None, user) -> Q:
    if view == VIEW_MINE:
        return Q(assignee=user)
    if view == VIEW_UNASSIGNED:
        return Q(assignee__isnull=True)
    return Q()


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class RenamedAllFilter(SimpleListFilter):
    """A list filter whose « all » choice has a label of its own."""

    all_label = "Tous"

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["display"] == self.all_label_default():
                choice["display"] = self.all_label
            yield choice

    @staticmethod
    def all_label_default():
        from django.utils.translation import gettext

        return gettext("All")


class CaseViewFilter(RenamedAllFilter):
    title = "vue"
    parameter_name = VIEW_PARAM
    all_label = VIEW_TITLES[None]

    def lookups(self, request, model_admin):
        return [(VIEW_MINE, VIEW_TITLES[VIEW_MINE]), (VIEW_UNASSIGNED, "Non assignés")]

    def queryset(self, request, queryset):
        return queryset.filter(view_condition(self.value(), request.user))


class OpenClosedFilter(RenamedAllFilter):
    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [("ouverts", "Dossiers ouverts"), ("clotures", "Dossiers clôturés")]

    def queryset(self, request, queryset):
        if self.value() == "ouverts":
            return queryset.open()
        if self.value() == "clotures":
            return queryset.closed()
        return queryset


class DomainFilter(RenamedAllFilter):
    """Top-level domains of the platform and of the user's authorities; a parent includes its children."""

    title = "domaine"
    parameter_name = "domaine"

    def lookups(self, request, model_admin):
        domains = Domain.objects.filter(parent__isnull=True).filter(
            Q(authority__isnull=True) | Q(authority_id__in=agent_authority_pks(request.user))
        )
        return [(str(domain.pk), domain.name) for domain in domains]

    def queryset(self, request, queryset):
        domain_id = int_or_none(self.value())
        if domain_id is None:
            return queryset
        return queryset.filter(
            domain_id__in=Domain.objects.filter(Q(pk=domain_id) | Q(parent_id=domain_id)).values("pk")
        )


class AssigneeFilter(RenamedAllFilter):
    """Only the agents of the user's authorities are offered."""

    title = "médiateur assigné"
    parameter_name = "mediateur"

    def lookups(self, request, model_admin):
        agents = User.objects.filter(
            memberships__authority_id__in=agent_authority_pks(request.user), memberships__role__in=AGENT_ROLES
        ).distinct()
        return [(str(agent.pk), "Moi" if agent.pk == request.user.pk else str(agent)) for agent in agents]

    def queryset(self, request, queryset):
        agent_id = int_or_none(self.value())
        return queryset if agent_id is None else queryset.filter(assignee_id=agent_id)


class AuthorityFilter(RenamedAllFilter):
    """Shown to agents of several authorities only."""

    title = "collectivité"
    parameter_name = "collectivite"
    all_label = "Toutes"

    def lookups(self, request, model_admin):
        authorities = agent_authorities(request.user)
        return [(str(a.pk), a.name) for a in authorities] if len(authorities) > 1 else []

    def queryset(self, request, queryset):
        authority_id = int_or_none(self.value())
        return queryset if authority_id is None else queryset.filter(authority_id=authority_id)


class CaseSearchHandler(BaseSearchHandler):
    """A case number, or words (cases/search/), keeping the index's own order."""

    def search_queryset(self, queryset, search_term, authority_ids=(), **kwargs):
        return search_cases(queryset, search_term, authority_ids)


class CountedPaginator(WagtailPaginator):
    """Pages of a list counted beforehand, once; `more` when the count stopped at its limit."""

    def __init__(self, object_list, per_page: int, count: int, more: bool = False) -> None:
        super().__init__(object_list, per_page)
        self.count = count
        self.more = more

    @property
    def items_count_label(self) -> str:
        return MORE_RESULTS_LABEL if self.more else super().items_count_label


class UnprocessedFirst:
    """The index's default order, paged without sorting the whole list.

    `queryset` is the filtered list, `flagged` how many of its cases have messages to
    process: those come first, then the others. A page asks for at most two ranges,
    one of each part, each read in due-date order up to the page's end, and reads
    their rows in one query; only those rows are sorted and get their unprocessed count.
    """

    def __init__(self, queryset: QuerySet[Case], flagged: int) -> None:
        self.queryset = queryset.order_by()
        self.flagged = flagged

    def page_numbers(self, start: int, stop: int) -> list[QuerySet]:
        parts = []
        if start < self.flagged:
            with_messages = self.queryset.filter(has_unprocessed()).order_by(*DUE_ORDER)
            parts.append(with_messages.values("pk")[start : min(stop, self.flagged)])
        if stop > self.flagged:
            others = self.queryset.filter(~has_unprocessed()).order_by(*DUE_ORDER)
            parts.append(others.values("pk")[max(start - self.flagged, 0) : stop - self.flagged])
        return parts

    def __getitem__(self, page: slice) -> list[Case]:
        parts = self.page_numbers(page.start or 0, page.stop)
        if not parts:
            return []
        if connection.features.supports_slicing_ordering_in_compound:  # PostgreSQL: one index lookup per number
            in_page = Q(pk__in=parts[0].union(*parts[1:], all=True))
        else:  # SQLite takes no LIMIT inside a UNION
            in_page = reduce(operator.or_, (Q(pk__in=part) for part in parts))
        rows = self.queryset.filter(in_page).with_unprocessed_count()
        return list(rows.order_by(unprocessed_first(), *DUE_ORDER))


class CasePermissionHelper(PermissionHelper):
    """Access to cases comes from agent memberships, never from Django model permissions.

    The index opens to anyone who is an agent somewhere (memberships read once per
    request); which rows they see is decided by `cases_for`. Every per-object answer
    is a constant so the row buttons cost no query. Creating, editing and deleting
    are off: the case views of the workspace are not modeladmin forms.
    """

    def user_can_list(self, user) -> bool:
        return user.is_authenticated and bool(agent_authorities(user))

    def user_can_create(self, user) -> bool:
        return False

    def user_can_inspect_obj(self, user, obj) -> bool:
        return False

    def user_can_edit_obj(self, user, obj) -> bool:
        return False

    def user_can_delete_obj(self, user, obj) -> bool:
        return False


def view_counts(user, flagged_in: str | None = None, flagged: bool = False) -> dict:
    """How many cases each view holds (the tabs), in one aggregate; with `flagged`, also how many cases of
    the view `flagged_in` have messages to process."""
    counts = {
        view or "": Count("pk", filter=view_condition(view, user)) if view else Count("pk") for view in VIEW_TITLES
    }
    if flagged:
        counts["flagged"] = Count("pk", filter=view_condition(flagged_in, user) & Q(has_unprocessed()))
    return cases_for(user).aggregate(**counts)


class CaseIndexView(IndexView):
    def dispatch(self, request, *args, **kwargs):
        # Like every case URL, the index does not exist for someone who is an agent nowhere.
        if request.user.is_authenticated and not self.permission_helper.user_can_list(request.user):
            raise Http404("Dossiers introuvables.")
        return super().dispatch(request, *args, **kwargs)

    def get_filters_params(self, params=None):
        """Only the filters' own parameters: modeladmin would apply any other one as an ORM lookup
        (`?assignee__password__startswith=…` would let an agent probe a colleague's password hash)."""
        return {key: value for key, value in super().get_filters_params(params).items() if key in FILTER_PARAMS}

    def get_queryset(self, request=None):
        # modeladmin builds the list twice (dispatch, then the context); filters cost queries, so once is enough.
        if not hasattr(self, "_case_queryset"):
            self._case_queryset = super().get_queryset(request)
        return self._case_queryset

    def current_view(self) -> str | None:
        view = self.request.GET.get(VIEW_PARAM)
        return view if view in VIEW_TITLES else None

    def counted_list(self) -> tuple[dict, object, int, bool]:
        """The tabs' counts, the rows to page, how many there are, and whether the count stopped at its limit.

        A search is counted up to SEARCH_COUNT_LIMIT and keeps its own order (words
        first). Otherwise the list is counted by the tabs' aggregate when only the
        view is chosen, by an aggregate of its own when filters narrow it; a list in
        the default order is paged by `UnprocessedFirst`, which needs how many of
        its cases have messages to process.
        """
        user, queryset = self.request.user, self.get_queryset()
        searched, filtered = bool(self.query.strip()), bool(set(self.get_filters_params()) - {VIEW_PARAM})
        default_order = CaseAdmin.is_default_order(self.request)
        counts = view_counts(user, self.current_view(), flagged=default_order and not filtered)
        if searched:
            found = count_up_to(queryset, SEARCH_COUNT_LIMIT + 1)
            return counts, queryset, min(found, SEARCH_COUNT_LIMIT), found > SEARCH_COUNT_LIMIT
        if filtered:
            totals = {"count": Count("pk")} | (
                {"flagged": Count("pk", filter=Q(has_unprocessed()))} if default_order else {}
            )
            own = queryset.aggregate(**totals)
            count, flagged = own["count"], own.get("flagged")
        else:
            count, flagged = counts[self.current_view() or ""], counts.get("flagged")
        return counts, UnprocessedFirst(queryset, flagged) if default_order else queryset, count, False

    def get_context_data(self, **kwargs):
        """modeladmin's context, with its counts made by one aggregate (two when the list is narrowed).

        modeladmin counts the list for its result count, again for its paginator, and
        the whole of the user's cases for its empty state: for a search at national
        scale that was the full search run three times before the page itself.
        """
        counts, object_list, count, more = self.counted_list()
        if self.query.strip():
            # That a search happened, over which authorities' cases; never its term, which names people.
            targets = audit.authority_targets(agent_authority_pks(self.request.user))
            audit.record_many(self.request, audit.Action.SEARCHED, targets)
        paginator = CountedPaginator(object_list, self.items_per_page, count, more)
        try:
            page_obj = paginator.page(self.page_num)
        except InvalidPage:
            page_obj = paginator.page(1)
        current = self.current_view() or ""
        context = {
            "view": self,
            "all_count": counts[""],  # only whether the user has any case is shown
            "result_count": count,
            "paginator": paginator,
            "page_obj": page_obj,
            "elided_page_range": paginator.get_elided_page_range(page_obj.number),
            "object_list": page_obj.object_list,
            "user_can_create": self.permission_helper.user_can_create(self.request.user),
            "show_search": self.search_handler.show_search_form,
            "intake_url": optional_url("case_intake"),
            "assign_next": self.request.get_full_path(),
            "current_view": current,
            "views": [
                {
                    "label": label,
                    "url": index_url(view),
                    "current": (view or "") == current,
                    "count": counts[view or ""],
                }
                for view, label in VIEW_TITLES.items()
            ],
        }
        # Past modeladmin's IndexView, whose own context would count everything again.
        return super(IndexView, self).get_context_data(**context, **kwargs)

    def get_page_title(self):
        return VIEW_TITLES[self.current_view()]


class CaseAdmin(ModelAdmin):
    """Index of the cases of the authorities where the user is an agent or main agent.

    Platform admins who are not members of an authority see none of its cases:
    like the original product, being a platform admin opens the platform's
    settings, not the citizens' files. Only the index URL is registered:
    modeladmin's instance views would look the case up outside `cases_for` and
    answer 403 instead of 404, letting case numbers be probed.
    """

    model = Case
    base_url_path = "dossiers"
    menu_label = "Dossiers"
    menu_icon = "folder-open-inverse"
    menu_order = 100
    add_to_admin_menu = False  # the « Dossiers » submenu (cases/wagtail_hooks.py) links to the three views
    permission_helper_class = CasePermissionHelper
    index_view_class = CaseIndexView
    index_template_name = "cases/admin/case_index.html"
    search_handler_class = CaseSearchHandler
    list_display = ("case_number", "citizen_column", "status", "assignee_column", "due_column", "created_at")
    list_filter = (CaseViewFilter, OpenClosedFilter, "status", DomainFilter, AssigneeFilter, "channel", AuthorityFilter)
    list_per_page = 50

    def get_queryset(self, request) -> QuerySet[Case]:
        """The user's cases with what a row shows; sorted lists (search, a chosen column) get the
        unprocessed count here, the default order gets it for its page only (`UnprocessedFirst`)."""
        cases = cases_for(request.user).select_related("citizen", "assignee", "authority")
        return cases if self.is_default_order(request) else cases.with_unprocessed_count()

    @staticmethod
    def is_default_order(request) -> bool:
        return not request.GET.get(IndexView.SEARCH_VAR, "").strip() and IndexView.ORDER_VAR not in request.GET

    def get_extra_search_kwargs(self, request, search_term) -> dict:
        """The search filters its own index by the user's authorities (read once per request already)."""
        return {"authority_ids": agent_authority_pks(request.user)}

    def get_ordering(self, request) -> list:
        if self.is_default_order(request):
            return []  # `UnprocessedFirst` orders each page
        return [unprocessed_first(), *DUE_ORDER]

    def get_list_display(self, request) -> tuple:
        if len(agent_authorities(request.user)) > 1:
            return (*self.list_display[:2], "authority", *self.list_display[2:])
        return self.list_display

    def get_admin_urls_for_registration(self) -> tuple:
        return (
            re_path(
                self.url_helper.get_action_url_pattern("index"),
                self.index_view,
                name=self.url_helper.get_action_url_name("index"),
            ),
        )

    def get_permissions_for_registration(self) -> QuerySet[Permission]:
        """Case model permissions grant nothing here, so they are not offered in the group editor."""
        return Permission.objects.none()

    def get_extra_attrs_for_row(self, obj, context) -> dict:
        return {"class": "case-row case-row--unprocessed"} if obj.unprocessed_count else {"class": "case-row"}

    @display(description="N°", ordering="number")
    def case_number(self, case: Case):
        url = case_detail_url(case.number)
        if url is None:
            return case.number
        return format_html('<a href="{}" aria-label="{}">{}</a>', url, case.label, case.number)

    @display(description="Requérant", ordering="citizen__last_name")
    def citizen_column(self, case: Case):
        name = case.citizen.full_name if hasattr(case, "citizen") else "—"
        url = case_detail_url(case.number)
        parts = [format_html('<a href="{}">{}</a>', url, name) if url else format_html("{}", name)]
        if case.unprocessed_count:
            label = ngettext("%(count)d message à traiter", "%(count)d messages à traiter", case.unprocessed_count) % {
                "count": case.unprocessed_count
            }
            parts.append(
                format_html('<span class="w-status w-status--primary case-badge-unprocessed">{}</span>', label)
            )
        return format_html_join(" ", "{}", ((part,) for part in parts))

    @display(description="Médiateur", ordering="assignee__last_name")
    def assignee_column(self, case: Case):
        if case.assignee_id:
            return str(case.assignee)
        url = assign_to_me_url(case.number)
        if url is None or case.is_closed:
            return format_html('<span class="w-text-grey-400">{}</span>', "Non assigné")
        return format_html(
            '<span class="w-text-grey-400">Non assigné</span> '
            '<button type="submit" form="assign-to-me-form" formaction="{}" '
            'class="button button-small button-secondary" aria-label="M\'assigner le {}">M\'assigner</button>',
            url,
            case.label.replace("Dossier", "dossier"),
        )

    @display(description="Échéance", ordering="due_date")
    def due_column(self, case: Case):
        if case.due_date is None:
            return mark_safe('<span class="w-text-grey-400">—</span>')  # noqa: S308
        day = date_format(case.due_date, "SHORT_DATE_FORMAT")
        state = None if case.is_closed else due_state(case.due_date)
        if state == DueState.OVERDUE:
            return format_html(
                '{} <span class="w-status w-bg-critical-200 w-text-white case-badge-due">Échéance dépassée</span>', day
            )
        if state == DueState.SOON:
            return format_html(
                '{} <span class="w-status w-bg-critical-50 w-text-critical-200 case-badge-due">Échéance proche</span>',
                day,
            )
        return day
