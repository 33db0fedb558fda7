"""The agents' daily digest: 07:30 in Paris on working days, unassigned and due-soon open cases only."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail

from authorities.models import Role
from cases.choices import Outcome, Status
from cases.mail.digest import send_digests_if_due
from tests.conftest import member_of
from tests.factories import CaseFactory

PARIS = ZoneInfo("Europe/Paris")
TUESDAY = datetime.date(2024, 3, 12)


def at(day: datetime.date, hour: int, minute: int = 30) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def setup(mail_settings, authority, other_authority, agent, django_capture_on_commit_callbacks):
    colleague = member_of(authority, Role.MAIN_AGENT)
    editor = member_of(authority, Role.EDITOR)
    CaseFactory.create_batch(2, authority=authority)  # unassigned
    CaseFactory(authority=other_authority)  # unassigned, elsewhere
    CaseFactory(
        authority=authority,
        status=Status.CLOSED,
        closed_at=at(TUESDAY, 9),
        outcome=Outcome.PARTIAL,
    )  # closed: never counted
    due = CaseFactory(authority=authority, assignee=agent, due_date=TUESDAY + datetime.timedelta(days=1))
    CaseFactory(authority=authority, assignee=agent, due_date=TUESDAY + datetime.timedelta(days=10))
    CaseFactory(
        authority=authority,
        assignee=agent,
        due_date=TUESDAY,
        status=Status.CLOSED,
        closed_at=at(TUESDAY, 8),
        outcome=Outcome.PARTIAL,
    )
    return {"colleague": colleague, "editor": editor, "due": due}


def run(when, callbacks):
    with callbacks(execute=True):
        return send_digests_if_due(when)


def test_each_agent_gets_their_digest_at_half_past_seven(setup, agent, django_capture_on_commit_callbacks):
    assert run(at(TUESDAY, 7), django_capture_on_commit_callbacks) == 2
    by_recipient = {email.to[0]: email for email in mail.outbox}
    assert set(by_recipient) == {agent.email, setup["colleague"].email}, "editors get none"
    body = by_recipient[agent.email].body
    assert "Ville de Démo : 2 dossiers non assignés" in body
    assert "Autre Ville" not in body
    assert f"Dossier n°{setup['due'].number}" in body
    assert body.count("Dossier n°") == 1, "far and closed cases are left out"
    assert by_recipient[agent.email].subject == "Récapitulatif du médiateur"
    assert f"{settings.SITE_URL}/admin/dossiers/?mediateur=aucun\n" in body, "unassigned: the index's view"
    assert f"{settings.SITE_URL}/admin/dossiers/{setup['due'].number}/\n" in body, "a due case: its page"


def test_the_crontab_runs_twice_in_utc_but_only_the_paris_half_past_seven_sends(
    setup, django_capture_on_commit_callbacks
):
    winter_early = datetime.datetime(2024, 3, 12, 5, 30, tzinfo=datetime.UTC)  # 06:30 in Paris
    assert run(winter_early, django_capture_on_commit_callbacks) == 0
    summer_early = datetime.datetime(2024, 6, 11, 6, 30, tzinfo=datetime.UTC)  # 08:30 in Paris
    assert run(summer_early, django_capture_on_commit_callbacks) == 0
    winter = datetime.datetime(2024, 3, 12, 6, 30, tzinfo=datetime.UTC)  # 07:30 in Paris
    assert run(winter, django_capture_on_commit_callbacks) == 2


def test_twice_the_same_day_sends_once(setup, django_capture_on_commit_callbacks):
    run(at(TUESDAY, 7), django_capture_on_commit_callbacks)
    assert run(at(TUESDAY, 7, 45), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "day",
    [datetime.date(2024, 3, 16), datetime.date(2024, 3, 17), datetime.date(2024, 5, 8), datetime.date(2024, 4, 1)],
    ids=["samedi", "dimanche", "8 mai", "lundi de Pâques"],
)
def test_no_digest_on_weekends_and_public_holidays(setup, day, django_capture_on_commit_callbacks):
    assert run(at(day, 7), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_nothing_to_say_means_no_email(mail_settings, agent, django_capture_on_commit_callbacks):
    assert run(at(TUESDAY, 7), django_capture_on_commit_callbacks) == 0
