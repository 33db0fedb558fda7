"""The agents' case index at /admin/dossiers/ (cases/workspace/index.py): columns, default view, the one set
of filters, sort, pager, URL state, and a constant number of queries whatever the page size."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from authorities.models import Role
from cases.choices import Channel, Status
from cases.models import Case, Citizen, Domain, Message, MessageCase
from cases.search import reindex_cases
from tests.conftest import member_of
from tests.factories import AuthorityFactory, CaseFactory, MembershipFactory

INDEX_URL = "/admin/dossiers/"


def listed_numbers(client, user, **params) -> set[int]:
    client.force_login(user)
    response = client.get(INDEX_URL, params, follow=True)
    assert response.status_code == 200
    return {case.number for case in response.context["object_list"]}


@pytest.fixture
def demo_cases(authority):
    return CaseFactory.create_batch(3, authority=authority)


@pytest.fixture
def other_cases(other_authority):
    return CaseFactory.create_batch(2, authority=other_authority)


def test_agent_sees_the_cases_of_their_authority_only(client, agent, demo_cases, other_cases):
    assert listed_numbers(client, agent) == {case.number for case in demo_cases}


def test_agent_of_the_other_authority_sees_the_reverse(client, other_agent, demo_cases, other_cases):
    assert listed_numbers(client, other_agent) == {case.number for case in other_cases}


def test_main_agent_sees_their_authority_cases(client, main_agent, demo_cases, other_cases):
    assert listed_numbers(client, main_agent) == {case.number for case in demo_cases}


def test_rows_show_number_citizen_status_label_and_assignee(client, agent, authority):
    case = CaseFactory(authority=authority, assignee=agent, status=Status.WAITING_FOR_REQUESTER)
    client.force_login(agent)
    content = client.get(INDEX_URL).content.decode()
    assert f">{case.number}<" in content.replace(" ", "").replace("\n", "")
    assert case.citizen.full_name in content
    assert "En attente de réponse du requérant" in content
    assert agent.get_full_name() in content


def test_newest_cases_come_first(client, agent, authority):
    older, newer = CaseFactory.create_batch(2, authority=authority)
    type(older).objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2020))
    client.force_login(agent)
    numbers = [case.number for case in client.get(INDEX_URL).context["object_list"]]
    assert numbers == [newer.number, older.number]


def closed_case(authority, **kwargs):
    return CaseFactory(
        authority=authority, status=Status.CLOSED, closed_at="2024-01-02T10:00Z", outcome="partial", **kwargs
    )


def test_status_filter_narrows_the_list(client, agent, authority):
    waiting = CaseFactory(authority=authority, status=Status.WAITING_FOR_REQUESTER)
    CaseFactory(authority=authority, status=Status.TO_PROCESS)
    assert listed_numbers(client, agent, avancement=Status.WAITING_FOR_REQUESTER) == {waiting.number}
    closed = closed_case(authority)
    assert listed_numbers(client, agent, avancement=Status.CLOSED, etat="tous") == {closed.number}


def test_empty_state_is_in_french(client, agent):
    client.force_login(agent)
    assert "Aucun dossier pour le moment." in client.get(INDEX_URL).content.decode()


def test_editor_gets_a_404_on_the_index(client, editor, demo_cases):
    """Like every case URL (issue #3), the index does not exist for a non-agent."""
    client.force_login(editor)
    assert client.get(INDEX_URL).status_code == 404
    assert client.get(INDEX_URL, {"q": str(demo_cases[0].number)}).status_code == 404


def test_platform_admin_who_is_not_a_member_gets_a_404(client, platform_admin, demo_cases):
    client.force_login(platform_admin)
    assert client.get(INDEX_URL).status_code == 404


def test_anonymous_visitor_is_sent_to_the_login_page(client, demo_cases):
    response = client.get(INDEX_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login") + "?next=")


@pytest.mark.parametrize("path", ["edit/{}/", "delete/{}/", "inspect/{}/", "create/"])
def test_no_modeladmin_instance_view_is_registered(client, agent, demo_cases, path):
    client.force_login(agent)
    assert client.get(INDEX_URL + path.format(demo_cases[0].number)).status_code == 404


def test_menu_item_is_shown_to_agents_only(client, agent, editor):
    client.force_login(agent)
    assert INDEX_URL in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(editor)
    assert INDEX_URL not in client.get(reverse("wagtailadmin_home")).content.decode()


def count_index_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INDEX_URL).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_rows(client, agent, authority):
    client.force_login(agent)
    CaseFactory.create_batch(5, authority=authority, assignee=agent)
    count_index_queries(client)  # warm the per-process caches (content types, site)
    with_5_rows = count_index_queries(client)
    CaseFactory.create_batch(35, authority=authority, assignee=agent)
    assert count_index_queries(client) == with_5_rows


def test_list_is_paginated_past_50_cases(client, agent, authority):
    CaseFactory.create_batch(51, authority=authority)
    client.force_login(agent)
    first = client.get(INDEX_URL)
    assert first.context["paginator"].num_pages == 2
    assert len(first.context["object_list"]) == 50
    assert len(client.get(INDEX_URL, {"p": 2}).context["object_list"]) == 1


# --- Views, filters, sorting, badges, assignment (issue #3, item 2) ---------------------------------


def make_link(case, processed):
    """Attach a message to the case: inbound ones are "to process" until processed is True."""
    direction = Message.Direction.OUT if processed is None else Message.Direction.IN
    message = Message.objects.create(
        direction=direction, status="received", from_email="usager@exemple.fr", message_id=f"<{uuid.uuid4()}@x>"
    )
    MessageCase.objects.create(message=message, case=case, processed=processed)


def listed_in_order(client, user, **params) -> list[int]:
    client.force_login(user)
    response = client.get(INDEX_URL, params, follow=True)
    assert response.status_code == 200
    return [case.number for case in response.context["object_list"]]


def test_default_view_is_the_open_cases_and_titles_follow_the_tab(client, agent, authority):
    open_case = CaseFactory(authority=authority)
    closed_case(authority)
    assert listed_numbers(client, agent) == {open_case.number}
    content = client.get(INDEX_URL).content.decode()
    assert "<title>Dossiers ouverts" in content
    assert "<title>Mes dossiers" in client.get(INDEX_URL, {"mediateur": "moi"}).content.decode()
    assert "<title>Dossiers" in client.get(INDEX_URL, {"avancement": Status.TO_PROCESS}).content.decode()


def test_my_cases(client, agent, authority):
    mine = CaseFactory(authority=authority, assignee=agent)
    colleague = member_of(authority, Role.AGENT)
    CaseFactory(authority=authority, assignee=colleague)
    CaseFactory(authority=authority)
    assert listed_numbers(client, agent, mediateur="moi") == {mine.number}
    assert listed_numbers(client, agent, vue="mes-dossiers") == {mine.number}, "links of digests already sent"


def test_unassigned_cases(client, agent, authority):
    unassigned = CaseFactory(authority=authority)
    CaseFactory(authority=authority, assignee=agent)
    assert listed_numbers(client, agent, mediateur="aucun") == {unassigned.number}
    assert listed_numbers(client, agent, vue="non-assignes") == {unassigned.number}


def test_all_cases_of_the_authority(client, agent, authority, other_authority):
    cases = [CaseFactory(authority=authority), CaseFactory(authority=authority, assignee=agent)]
    cases.append(closed_case(authority))
    CaseFactory(authority=other_authority)
    assert listed_numbers(client, agent, etat="tous") == {case.number for case in cases}


def test_open_and_closed_filter(client, agent, authority):
    open_case = CaseFactory(authority=authority)
    closed = CaseFactory(authority=authority, status=Status.CLOSED, closed_at=timezone.now(), outcome="partial")
    assert listed_numbers(client, agent, etat="ouverts") == {open_case.number}
    assert listed_numbers(client, agent, etat="clotures") == {closed.number}


def test_one_set_of_filters_and_tabs_without_aria_selected(client, agent, authority):
    """Tabs are the saved views (links to lists), the filters one form: no « Par vue » / « Par médiateur »."""
    CaseFactory(authority=authority)
    client.force_login(agent)
    content = client.get(INDEX_URL).content.decode()
    assert content.count('aria-label="Filtrer les dossiers"') == 1
    assert "Par vue" not in content and "Par médiateur" not in content
    assert "aria-selected" not in content
    assert 'aria-current="page">Dossiers ouverts' in content
    for name in ("q", "etat", "avancement", "domaine", "mediateur", "saisine"):
        assert content.count(f'name="{name}"') == 1, name


def test_filters_combine_and_are_kept_in_every_link(client, agent, authority):
    colleague = member_of(authority, Role.AGENT)
    wanted = CaseFactory(authority=authority, assignee=colleague, channel=Channel.PHONE)
    CaseFactory(authority=authority, assignee=colleague, channel=Channel.WEB)
    CaseFactory(authority=authority, channel=Channel.PHONE)
    params = {"mediateur": colleague.pk, "saisine": Channel.PHONE, "tri": "-echeance"}
    assert listed_numbers(client, agent, **params) == {wanted.number}
    content = client.get(INDEX_URL, params).content.decode()
    state = f"saisine=phone&amp;mediateur={colleague.pk}"
    assert f'href="/admin/dossiers/?{state}&amp;tri=echeance"' in content, "the sort links keep the filters"
    assert '<input type="hidden" name="tri" value="-echeance">' in content, "the filters keep the sort"
    row_link = reverse("case:detail", args=[wanted.number]) + f"?liste=saisine%3Dphone%26mediateur%3D{colleague.pk}"
    assert row_link in content, "the case page gets the list for previous / next"


COLUMN_SORTS = [
    "numero",
    "requerant",
    "objet",
    "domaine",
    "avancement",
    "mediateur",
    "echeance",
    "activite",
    "a-traiter",
]


def test_columns_of_a_row(client, agent, authority):
    domain = Domain.objects.create(name="Stationnement")
    case = CaseFactory(
        authority=authority,
        assignee=agent,
        competent=True,
        domain=domain,
        description="Amende contestée rue Haute\nLe détail suit.",
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    make_link(case, False)
    Case.objects.filter(pk=case.pk).update(status=Status.CONTACT_ADMINISTRATION)
    client.force_login(agent)
    response = client.get(INDEX_URL)
    content = response.content.decode()
    headers = [column["label"] for column in response.context["columns"]]
    assert headers == [
        "N°", "Requérant", "Objet", "Domaine", "Avancement", "Médiateur", "Échéance", "Dernière activité", "À traiter",
    ]  # fmt: skip
    row = response.context["rows"][0]
    assert row["subject"] == "Amende contestée rue Haute"
    assert "Le détail suit" not in content
    for shown in ("Stationnement", "Solliciter l&#x27;administration", agent.get_full_name(), "1 message à traiter"):
        assert shown in content, shown
    assert f'data-case-number="{case.number}"' in content and "data-case-link" in content
    assert "data-case-search" in content


def test_last_activity_and_from_whom(client, agent, authority):
    from cases.models import CaseEvent

    case = CaseFactory(authority=authority)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.MESSAGE_RECEIVED, data={"from": "ana@exemple.fr"})
    client.force_login(agent)
    row = client.get(INDEX_URL).context["rows"][0]
    assert row["event"].kind == CaseEvent.Kind.MESSAGE_RECEIVED and row["author"] == "ana@exemple.fr"
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE_ADDED, actor=agent)
    row = client.get(INDEX_URL).context["rows"][0]
    assert row["event"].kind == CaseEvent.Kind.NOTE_ADDED and row["author"] == agent.get_full_name()
    assert "note ajoutée, " + agent.get_full_name() in client.get(INDEX_URL).content.decode()


@pytest.mark.parametrize("key", COLUMN_SORTS)
def test_every_column_sorts_both_ways(client, agent, authority, key):
    from cases.models import CaseEvent

    colleague = member_of(authority, Role.AGENT)
    today = timezone.localdate()
    first, last = Domain.objects.create(name="A domaine"), Domain.objects.create(name="Z domaine")
    low = CaseFactory(
        authority=authority, assignee=agent, description="Alpha", due_date=today, competent=True, domain=first
    )
    high = CaseFactory(
        authority=authority,
        assignee=colleague,
        description="Zêta",
        competent=True,
        due_date=today + datetime.timedelta(days=9),
        domain=last,
    )
    Citizen.objects.filter(pk=low.pk).update(last_name="Aaron")
    Citizen.objects.filter(pk=high.pk).update(last_name="Zola")
    type(agent).objects.filter(pk=agent.pk).update(last_name="Abel")
    type(agent).objects.filter(pk=colleague.pk).update(last_name="Zorro")
    Case.objects.filter(pk=high.pk).update(status=Status.WAITING_FOR_REQUESTER)
    make_link(high, False)
    CaseEvent.objects.create(case=low, kind=CaseEvent.Kind.NOTE_ADDED)
    CaseEvent.objects.create(case=high, kind=CaseEvent.Kind.NOTE_ADDED)
    assert listed_in_order(client, agent, tri=key) == [low.number, high.number]
    assert listed_in_order(client, agent, tri=f"-{key}") == [high.number, low.number]
    client.force_login(agent)
    column = next(c for c in client.get(INDEX_URL, {"tri": key}).context["columns"] if c["key"] == key)
    assert column["order"] == "ascending" and column["url"].endswith(f"tri=-{key}")


def pager_numbers(response) -> list:
    return [page["number"] for page in response.context["pages"]]


def test_pager_shows_first_last_and_pages_around_the_current_one(client, agent, authority, settings):
    from cases.workspace import index

    CaseFactory.create_batch(12 * 3, authority=authority)
    client.force_login(agent)
    original, index.PAGE_SIZE = index.PAGE_SIZE, 3
    try:
        first = client.get(INDEX_URL)
        assert pager_numbers(first) == [1, 2, 3, "…", 12]
        middle = client.get(INDEX_URL, {"p": 6, "mediateur": "aucun"})
        assert pager_numbers(middle) == [1, "…", 4, 5, 6, 7, 8, "…", 12]
        assert len(middle.context["object_list"]) == 3
        content = middle.content.decode()
        assert 'href="/admin/dossiers/?mediateur=aucun&amp;p=12"' in content, "the last page, filters kept"
        assert 'aria-current="page">6<' in content
        assert pager_numbers(client.get(INDEX_URL, {"p": 999})) == [1, "…", 10, 11, 12], "past the end: the last"
    finally:
        index.PAGE_SIZE = original


def test_domain_filter_includes_the_children_of_a_top_level_domain(client, agent, authority):
    housing = Domain.objects.create(name="Test habitat")
    social = Domain.objects.create(name="Test logement social", parent=housing)
    other = Domain.objects.create(name="Test fiscalité")
    on_parent = CaseFactory(authority=authority, competent=True, domain=housing)
    on_child = CaseFactory(authority=authority, competent=True, domain=social)
    CaseFactory(authority=authority, competent=True, domain=other)
    assert listed_numbers(client, agent, domaine=housing.pk) == {on_parent.number, on_child.number}
    assert listed_numbers(client, agent, domaine=social.pk) == {on_child.number}


def test_domain_filter_offers_platform_and_own_authority_domains_only(client, agent, authority, other_authority):
    Domain.objects.create(name="Domaine de la plateforme")
    Domain.objects.create(name="Domaine de Démo", authority=authority)
    Domain.objects.create(name="Domaine d'une autre ville", authority=other_authority)
    CaseFactory(authority=authority)
    client.force_login(agent)
    content = client.get(INDEX_URL).content.decode()
    assert "Domaine de la plateforme" in content
    assert "Domaine de Démo" in content
    assert "Domaine d&#x27;une autre ville" not in content and "Domaine d'une autre ville" not in content


def test_assignee_filter_offers_agents_of_my_authorities_only(client, agent, authority, other_agent):
    colleague = member_of(authority, Role.MAIN_AGENT)
    editor = member_of(authority, Role.EDITOR)
    theirs = CaseFactory(authority=authority, assignee=colleague)
    CaseFactory(authority=authority, assignee=agent)
    client.force_login(agent)
    response = client.get(INDEX_URL)
    choices = {value for value, _label in response.context["form"].fields["mediateur"].choices}
    assert choices == {"", "moi", "aucun", str(colleague.pk)}
    assert str(other_agent.pk) not in choices and str(editor.pk) not in choices
    assert listed_numbers(client, agent, mediateur=colleague.pk) == {theirs.number}


def test_assignee_filter_cannot_reach_cases_of_another_authority(client, agent, other_agent, other_authority):
    CaseFactory(authority=other_authority, assignee=other_agent)
    assert listed_numbers(client, agent, mediateur=other_agent.pk) == set()


def test_channel_filter(client, agent, authority):
    phone = CaseFactory(authority=authority, channel=Channel.PHONE)
    CaseFactory(authority=authority, channel=Channel.WEB)
    assert listed_numbers(client, agent, saisine=Channel.PHONE) == {phone.number}


def test_agent_of_several_authorities_sees_both_and_can_filter_by_authority(client, agent, authority, other_authority):
    MembershipFactory(user=agent, authority=other_authority, role=Role.AGENT)
    here = CaseFactory(authority=authority)
    there = CaseFactory(authority=other_authority)
    assert listed_numbers(client, agent) == {here.number, there.number}
    assert listed_numbers(client, agent, collectivite=other_authority.pk) == {there.number}
    content = client.get(INDEX_URL).content.decode()
    assert "Autre Ville" in content  # the authority column is shown


def test_cases_with_unprocessed_messages_come_first_then_by_due_date(client, agent, authority):
    today = timezone.localdate()
    no_due_date = CaseFactory(authority=authority)
    due_later = CaseFactory(authority=authority, due_date=today + datetime.timedelta(days=30))
    due_soon = CaseFactory(authority=authority, due_date=today + datetime.timedelta(days=2))
    unprocessed_late = CaseFactory(authority=authority, due_date=today + datetime.timedelta(days=60))
    unprocessed_none = CaseFactory(authority=authority)
    make_link(unprocessed_late, False)
    make_link(unprocessed_none, False)
    make_link(unprocessed_none, False)
    make_link(due_soon, True)  # processed: does not count
    make_link(due_later, None)  # outgoing: does not count
    assert listed_in_order(client, agent, mediateur="aucun") == [
        unprocessed_late.number,
        unprocessed_none.number,
        due_soon.number,
        due_later.number,
        no_due_date.number,
    ]


def test_unprocessed_badge(client, agent, authority):
    case = CaseFactory(authority=authority)
    make_link(case, False)
    make_link(case, False)
    client.force_login(agent)
    content = client.get(INDEX_URL).content.decode()
    assert "2 messages à traiter" in content


def test_due_date_badges(client, agent, authority):
    today = timezone.localdate()
    CaseFactory(authority=authority, due_date=today - datetime.timedelta(days=1))
    CaseFactory(authority=authority, due_date=today)
    client.force_login(agent)
    content = client.get(INDEX_URL).content.decode()
    assert content.count("Échéance dépassée") == 1
    assert content.count("Échéance proche") == 1


def test_no_due_badge_far_away_or_on_closed_cases(client, agent, authority):
    today = timezone.localdate()
    CaseFactory(authority=authority, due_date=today + datetime.timedelta(days=20))
    CaseFactory(
        authority=authority,
        due_date=today - datetime.timedelta(days=3),
        status=Status.CLOSED,
        closed_at=timezone.now(),
        outcome="partial",
    )
    client.force_login(agent)
    content = client.get(INDEX_URL).content.decode()
    assert "Échéance dépassée" not in content
    assert "Échéance proche" not in content


def test_rows_link_to_the_case_page_with_their_list(client, agent, authority):
    case = CaseFactory(authority=authority)
    client.force_login(agent)
    assert (
        f'href="{reverse("case:detail", args=[case.number])}" data-case-link' in client.get(INDEX_URL).content.decode()
    )
    content = client.get(INDEX_URL, {"mediateur": "aucun"}).content.decode()
    assert f'href="{reverse("case:detail", args=[case.number])}?liste=mediateur%3Daucun" data-case-link' in content


def test_assign_to_me_button_posts_to_the_case_action_with_the_current_list_as_next(client, agent, authority):
    unassigned = CaseFactory(authority=authority)
    assigned = CaseFactory(authority=authority, assignee=agent)
    client.force_login(agent)
    content = client.get(INDEX_URL, {"mediateur": "aucun", "etat": "tous"}).content.decode()
    assert f'formaction="{reverse("case:assign_to_me", args=[unassigned.number])}"' in content
    assert f'formaction="{reverse("case:assign_to_me", args=[assigned.number])}"' not in content
    assert 'name="next" value="/admin/dossiers/?mediateur=aucun&amp;etat=tous"' in content


def test_a_search_finding_nothing_open_offers_the_other_cases(client, agent, authority):
    closed = closed_case(authority)
    client.force_login(agent)
    content = client.get(INDEX_URL, {"q": str(closed.number)}).content.decode()
    assert "Aucun dossier ne correspond à ces critères." in content
    assert (
        f'href="/admin/dossiers/?q={closed.number}&amp;etat=tous">Chercher aussi dans les dossiers clôturés' in content
    )
    assert listed_numbers(client, agent, q=closed.number, etat="tous") == {closed.number}


def test_a_list_has_one_url(client, agent, authority):
    """The filter form's empty fields and defaults, old `vue=` links and unknown parameters lead to the list's
    own URL, the one its tab, its saved view and the case page know."""
    client.force_login(agent)
    form = {"q": "", "etat": "ouverts", "avancement": "", "domaine": "", "mediateur": "aucun", "saisine": ""}
    assert client.get(INDEX_URL, form).url == "/admin/dossiers/?mediateur=aucun"
    assert client.get(INDEX_URL, {"vue": "non-assignes", "p": "2"}).url == "/admin/dossiers/?mediateur=aucun&p=2"
    assert client.get(INDEX_URL, {"assignee__password__startswith": "x"}).url == "/admin/dossiers/"
    assert client.get(INDEX_URL, {"tri": "-echeance", "mediateur": "moi"}).status_code == 200
    assert client.get(INDEX_URL, {"p": "1"}).status_code == 200


def test_assign_to_me_from_the_list_assigns_and_returns_to_the_list(client, agent, authority):
    case = CaseFactory(authority=authority)
    client.force_login(agent)
    next_url = "/admin/dossiers/?vue=non-assignes"
    response = client.post(reverse("case:assign_to_me", args=[case.number]), {"next": next_url})
    assert response.status_code == 302
    assert response.url == next_url
    case.refresh_from_db()
    assert case.assignee == agent


def test_no_filter_value_from_another_authority_widens_the_list(client, agent, other_authority):
    CaseFactory(authority=other_authority)
    assert listed_numbers(client, agent, collectivite=other_authority.pk) == set()


def test_parameters_other_than_the_filters_are_not_orm_lookups(client, agent, authority):
    """modeladmin would run `?assignee__password__startswith=…` as a filter: a way to probe password hashes."""
    case = CaseFactory(authority=authority, assignee=agent)
    assert listed_numbers(client, agent, assignee__password__startswith="nothing-like-this") == {case.number}
    assert listed_numbers(client, agent, number=case.number + 1) == {case.number}
    assert listed_numbers(client, agent, tri="assignee__password") == {case.number}


def test_filtered_empty_state_is_in_french(client, agent, authority):
    CaseFactory(authority=authority)
    client.force_login(agent)
    assert "Aucun dossier ne correspond à ces critères." in client.get(INDEX_URL, {"mediateur": "moi"}).content.decode()


def test_intake_button_in_the_header(client, agent):
    client.force_login(agent)
    content = client.get(INDEX_URL).content.decode()
    assert "Enregistrer une saisine" in content
    assert reverse("case_intake") in content


# --- Queries per page ---------------------------------------------------------------------------------


def busy_cases(authority, agent, count):
    """Cases with everything a row shows: citizen, assignee or not, due date, domain, unprocessed messages."""
    today = timezone.localdate()
    domain = Domain.objects.get_or_create(name="Fiscalité")[0]
    for i in range(count):
        case = CaseFactory(
            authority=authority,
            assignee=agent if i % 2 else None,
            due_date=today + datetime.timedelta(days=i % 5 - 2),
            competent=True,
            domain=domain,
        )
        if i % 3 == 0:
            make_link(case, False)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"mediateur": "moi", "etat": "tous"},
        {"q": "Dupont"},
        {"avancement": Status.TO_PROCESS, "tri": "numero"},
        {"tri": "-activite"},
        {"tri": "a-traiter", "saisine": Channel.WEB},
    ],
)
def test_queries_per_page_are_the_same_for_5_and_50_rows(client, agent, authority, params):
    MembershipFactory(user=agent, authority=AuthorityFactory(), role=Role.AGENT)  # the multi-authority column
    client.force_login(agent)
    busy_cases(authority, agent, 5)
    Citizen.objects.update(last_name="Dupont")
    reindex_cases(Case.objects.values_list("number", flat=True))

    def count() -> tuple[list[str], int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(INDEX_URL, params)
            assert response.status_code == 200
        return [query["sql"] for query in queries], len(response.context["object_list"])

    count()  # warm the per-process caches (content types, site)
    with_5, rows = count()
    assert rows == (5 if params.get("mediateur") != "moi" else 2)
    busy_cases(authority, agent, 45)
    Citizen.objects.update(last_name="Dupont")
    reindex_cases(Case.objects.values_list("number", flat=True))
    with_50, rows = count()
    assert rows == (50 if params.get("mediateur") != "moi" else 24)
    assert len(with_50) == len(with_5), "\n".join(sql[:300] for sql in with_50)
