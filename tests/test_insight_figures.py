"""The statistics' figures (issue 13, items 1 and 2) on a hand-built data set whose answers are written here.

Eight cases: six of « Ville de Démo » (A) over 2025 and 2026, one of A from 2024 still open, one of « Autre
Ville » (B). Three are dated at the edge of a month in Paris and not in UTC (New Year's Eve, the night after
the spring change to summer time, the night after the autumn change back), so a count by UTC month would
put them in the wrong bucket. The period is the civil year 2026, compared with 2025; « today » is
2026-12-20. Every answer below is counted by hand from the list in `world`.
"""

import datetime

import pytest
from django.db import connection
from django.http import Http404

from authorities.models import Role
from cases.choices import Channel, Gender, Outcome, Status
from cases.insight import figures, source
from cases.insight.figures import Filters, compute, percentile
from cases.insight.period import Period
from cases.insight.scope import scope_for
from cases.mail.messenger import send_case_message
from cases.models import Case, CompetentThirdParty, Domain
from cases.referral.models import Referral, State
from tests.conftest import member_of
from tests.factories import CaseFactory

UTC = datetime.UTC
TODAY = datetime.date(2026, 12, 20)
YEAR = Period.year(2026)


def at(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=UTC)


def dated(case: Case, created, **dates) -> Case:
    """Set the dates that `auto_now_add` or the workflow would set."""
    Case.objects.filter(pk=case.pk).update(created_at=created, **dates)
    return case


@pytest.fixture
def lists(db):
    return {
        "fiscalite": Domain.objects.get(name="Fiscalité", parent=None, authority=None),
        "fsl": Domain.objects.get(name="FSL", parent__name="Habitat, Logement"),
        "caf": CompetentThirdParty.objects.get(name="CAF", parent__name="Médiateur institutionnel"),
    }


@pytest.fixture
def world(authority, other_authority, agent, lists):
    days = datetime.timedelta
    new_year = at(2025, 12, 31, 23, 30)  # 1 January 2026, 00:30 in Paris
    first_of_april = at(2026, 3, 31, 22, 30)  # 1 April, 00:30 in Paris (summer time, UTC+2)
    first_of_november = at(2026, 10, 31, 23, 30)  # 1 November, 00:30 in Paris (winter time, UTC+1)
    cases = {
        1: dated(
            CaseFactory(
                authority=authority,
                channel=Channel.WEB,
                status=Status.CLOSED,
                outcome=Outcome.FAVORABLE_TO_CITIZEN,
                competent=True,
                domain=lists["fiscalite"],
                citizen__gender=Gender.FEMALE,
            ),
            new_year,
            closed_at=new_year + days(days=10),
            first_answer_at=new_year + days(days=2),
        ),
        2: dated(
            CaseFactory(
                authority=authority,
                channel=Channel.PHONE,
                assignee=agent,
                competent=True,
                domain=lists["fsl"],
                due_date=datetime.date(2026, 4, 10),
            ),
            first_of_april,
            first_answer_at=first_of_april + days(days=4),
        ),
        3: dated(
            CaseFactory(
                authority=authority,
                channel=Channel.EMAIL,
                assignee=agent,
                status=Status.CLOSED,
                outcome=Outcome.PARTIAL,
                competent=True,
                domain=lists["fsl"],
                due_date=datetime.date(2026, 12, 15),
            ),
            first_of_november,
            closed_at=at(2026, 11, 30, 23, 30),  # 1 December in Paris, before the due date
            first_answer_at=first_of_november + days(days=10),
        ),
        4: dated(
            CaseFactory(
                authority=authority,
                channel=Channel.WEB,
                status=Status.WAITING_FOR_REQUESTER,
                competent=False,
                competent_third_party=lists["caf"],
            ),
            at(2026, 3, 15, 10),
        ),
        5: dated(
            CaseFactory(
                authority=authority,
                channel=Channel.WEB,
                status=Status.CLOSED,
                outcome=Outcome.FAVORABLE_TO_CITIZEN,
                due_date=datetime.date(2025, 6, 20),
            ),
            at(2025, 6, 10, 10),
            closed_at=at(2025, 6, 30, 10),  # after its due date
            first_answer_at=at(2025, 6, 11, 10),
        ),
        6: dated(
            CaseFactory(
                authority=authority, channel=Channel.MAIL, status=Status.CLOSED, outcome=Outcome.CITIZEN_WAIVER
            ),
            at(2025, 11, 20, 10),
            closed_at=at(2026, 2, 4, 10),  # open when 2026 began, closed 76 days after its request
            first_answer_at=at(2025, 11, 26, 10),
        ),
        7: dated(CaseFactory(authority=authority), at(2024, 5, 1, 10)),
        8: dated(CaseFactory(authority=other_authority, channel=Channel.WEB), at(2026, 5, 5, 10)),
    }
    cases = {key: Case.objects.get(pk=case.pk) for key, case in cases.items()}
    for case, origin, destination, state, proposed in (
        (cases[4], authority, other_authority, State.ACCEPTED, at(2026, 6, 1, 10)),
        (cases[8], other_authority, authority, State.DECLINED, at(2026, 7, 1, 10)),
        (cases[7], authority, other_authority, State.WITHDRAWN, at(2025, 3, 1, 10)),
    ):
        referral = Referral.objects.create(
            case=case, from_authority=origin, to_authority=destination, reason="territory", note="n", consent="email"
        )
        Referral.objects.filter(pk=referral.pk).update(status=state, proposed_at=proposed)
    return cases


def rows(items) -> list[tuple]:
    return [(row.label, row.counts.current, row.counts.previous) for row in items]


def test_one_authority_every_figure(world, agent):
    result = compute(scope_for(agent), YEAR, today=TODAY)

    assert (result.previous.first_day, result.previous.last_day) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )
    assert (result.received.current, result.received.previous) == (4, 2)
    assert (result.closed.current, result.closed.previous) == (3, 1)
    assert (result.open_at_end.current, result.open_at_end.previous) == (3, 2)
    assert result.received.change == 100.0

    by_month = {month.first_day.month: month for month in result.months}
    assert len(result.months) == 12
    assert {m: (by_month[m].received_total, by_month[m].closed_total) for m in (1, 2, 3, 4, 10, 11, 12)} == {
        1: (1, 1),  # New Year's Eve in UTC is January in Paris
        2: (0, 1),
        3: (1, 0),
        4: (1, 0),  # 31 March 22:30 UTC is April in Paris (summer time)
        10: (0, 0),
        11: (1, 0),  # 31 October 23:30 UTC is November in Paris (winter time)
        12: (0, 1),  # closed 30 November 23:30 UTC: December in Paris
    }
    assert by_month[4].received == {Channel.PHONE: 1}
    assert [month.open_at_end for month in result.months] == [2, 1, 2, 3, 3, 3, 3, 3, 3, 3, 4, 3]

    # First answer: 2, 4 and 10 days (2026), 1 and 6 days (2025). Closing: 10, 30 and 76 days; 20 days.
    assert (result.first_answer_median.current, result.first_answer_p90.current) == (4.0, 8.8)
    assert (result.first_answer_median.previous, result.first_answer_p90.previous) == (3.5, 5.5)
    assert (result.closing_median.current, result.closing_p90.current) == (30.0, 66.8)
    assert (result.closing_median.previous, result.closing_p90.previous) == (20.0, 20.0)
    # Past due: case 2 (open past its date) of cases 2 and 3; in 2025, case 5 closed after its date.
    assert (result.past_due.current, result.past_due.previous) == (50.0, 100.0)

    assert rows(result.by_status) == [
        ("À traiter", 1, 0),
        ("En attente de réponse du requérant", 1, 0),
        ("Clôture de la procédure", 2, 2),
    ]
    assert rows(result.by_channel) == [
        ("Courrier postal", 0, 1),
        ("Téléphone", 1, 0),
        (str(Channel.EMAIL.label), 1, 0),
        ("Formulaire internet", 2, 1),
    ]
    assert rows(result.by_domain) == [("Habitat, Logement", 2, 0), ("Non renseigné", 1, 2), ("Fiscalité", 1, 0)]
    assert rows(result.by_domain[0].children) == [("FSL", 2, 0)]
    assert result.by_domain[2].children == []
    assert rows(result.by_third_party) == [("Non renseigné", 3, 2), ("Médiateur institutionnel", 1, 0)]
    assert rows(result.by_third_party[1].children) == [("CAF", 1, 0)]
    assert rows(result.by_outcome) == [
        ("Droit à l'Usager", 1, 1),
        ("Droit partiel Usager/Administration", 1, 0),
        ("Renonciation de la médiation par l'Usager", 1, 0),
    ]
    assert rows(result.by_gender) == [("Non renseigné", 3, 2), ("Femme", 1, 0)]
    assert rows(result.by_representation) == [("Particulier", 4, 2)]
    referrals = {name: (pair.current, pair.previous) for name, pair in result.referrals.items()}
    assert referrals == {
        "sent": (1, 1),
        "sent_accepted": (1, 0),
        "sent_declined": (0, 0),
        "received": (1, 0),
        "received_accepted": (0, 0),
        "received_declined": (1, 0),
    }
    assert result.load is None  # an agent does not see the load per agent
    assert result.authorities is None


def test_main_agent_sees_the_load_per_agent(world, authority, agent):
    result = compute(scope_for(member_of(authority, Role.MAIN_AGENT)), YEAR, today=TODAY)
    assert [(load.name, load.open_now, load.received, load.closed) for load in result.load] == [
        (f"{agent.first_name} {agent.last_name}", 1, 2, 1)
    ]


def test_platform_admin_reads_every_authority_and_compares_them(world, platform_admin):
    result = compute(scope_for(platform_admin), YEAR, today=TODAY)
    assert (result.received.current, result.received.previous) == (5, 2)
    assert [(a.name, a.received, a.closed, a.open_now, a.closing_median) for a in result.authorities] == [
        ("Autre Ville", 1, 0, 1, None),
        ("Ville de Démo", 4, 3, 3, 30.0),
    ]
    # The sent and received referrals between the two are both counted.
    assert result.referrals["sent"].current == 2


def test_platform_admin_narrows_to_one_authority(world, platform_admin, other_authority):
    result = compute(scope_for(platform_admin, other_authority.pk), YEAR, today=TODAY)
    assert result.received.current == 1
    assert result.authorities is None


def test_agent_of_another_authority_sees_none_of_it(world, other_agent, authority):
    with pytest.raises(Http404):
        scope_for(other_agent, authority.pk)
    result = compute(scope_for(other_agent), YEAR, today=TODAY)
    assert (result.received.current, result.closed.current, result.open_at_end.current) == (1, 0, 1)


def test_editors_and_people_without_membership_have_no_statistics(world, editor):
    with pytest.raises(Http404):
        scope_for(editor)


def test_filters_narrow_every_figure(world, agent, lists):
    habitat = lists["fsl"].parent_id
    result = compute(scope_for(agent), YEAR, Filters(domain_id=habitat), today=TODAY)
    assert (result.received.current, result.closed.current) == (2, 1)
    assert compute(scope_for(agent), YEAR, Filters(channel=Channel.WEB), today=TODAY).received.current == 2
    assert compute(scope_for(agent), YEAR, Filters(status=Status.CLOSED), today=TODAY).received.current == 2
    assert compute(scope_for(agent), YEAR, Filters(assignee_id=agent.pk), today=TODAY).received.current == 2


def test_a_page_of_figures_costs_a_fixed_number_of_queries(world, platform_admin, django_assert_max_num_queries):
    """Thirteen on PostgreSQL; on SQLite two more read the delays computed in Python."""
    scope = scope_for(platform_admin)
    with django_assert_max_num_queries(13 if connection.vendor == "postgresql" else 15):
        compute(scope, YEAR, today=TODAY)


@pytest.mark.parametrize(
    ("first_day", "last_day", "previous"),
    [
        ((2026, 1, 1), (2026, 12, 31), ((2025, 1, 1), (2025, 12, 31))),
        ((2026, 3, 1), (2026, 5, 31), ((2025, 12, 1), (2026, 2, 28))),
        ((2026, 3, 10), (2026, 3, 19), ((2026, 2, 28), (2026, 3, 9))),
    ],
)
def test_previous_period(first_day, last_day, previous):
    period = Period(datetime.date(*first_day), datetime.date(*last_day))
    assert (period.previous.first_day, period.previous.last_day) == tuple(datetime.date(*day) for day in previous)


def test_last_twelve_months_are_the_current_month_and_the_eleven_before():
    period = Period.last_twelve_months(datetime.date(2026, 12, 3))
    assert (period.first_day, period.last_day, period.months) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
        12,
    )
    assert Period.last_twelve_months(datetime.date(2026, 3, 31)).first_day == datetime.date(2025, 4, 1)


def test_period_bounds_are_paris_midnights():
    assert YEAR.start == at(2025, 12, 31, 23)
    assert Period(datetime.date(2026, 7, 1), datetime.date(2026, 7, 31)).end == at(2026, 7, 31, 22)


def test_python_percentile_interpolates_as_percentile_cont():
    assert percentile([2, 4, 10], 0.5) == 4
    assert percentile([2, 4, 10], 0.9) == pytest.approx(8.8)
    assert percentile([1, 6], 0.5) == 3.5
    assert percentile([20], 0.9) == 20
    assert percentile([], 0.5) is None


def test_the_figures_read_the_pseudonymised_source_only():
    """The figures group by source columns; the source holds no column naming a citizen."""
    names = {column.name for column in source.COLUMNS}
    forbidden = {"first_name", "last_name", "email", "phone", "street", "description", "notes", "messages"}
    assert not {name.split("__")[-1] for name in names} & forbidden
    assert "citizen__email" not in names and "citizen_has_email" in names
    assert figures.source is source


def test_the_first_answer_is_the_first_message_to_the_citizen(authority, agent, mail_settings):
    case = CaseFactory(authority=authority, citizen__email="requerant@exemple.fr")
    send_case_message(case, agent, ["service@exemple.fr"], [], "Question", "<p>Au service</p>")
    assert Case.objects.get(pk=case.pk).first_answer_at is None  # a third party is not the citizen
    send_case_message(case, agent, ["requerant@exemple.fr"], [], "Réponse", "<p>Bonjour</p>")
    first = Case.objects.get(pk=case.pk).first_answer_at
    send_case_message(case, agent, ["requerant@exemple.fr"], [], "Suite", "<p>Encore</p>")
    assert first is not None and Case.objects.get(pk=case.pk).first_answer_at == first
