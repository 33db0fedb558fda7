"""Every write costs the same at 10 cases and at 10 million (issue #10, item 2).

Each write goes through its real door (the view with the test client, the task for inbound mail) and is
counted with everything it sets off: the work after commit (the case's search row, the emails' sending,
which huey runs inline in tests as `make bench-scale` does) and the tasks it queues. The tests run in
real transactions, as production does: what waits for the commit runs at the commit, and a write's own
transaction is BEGIN … COMMIT, not a savepoint of the test's. Statements are counted the way the
benchmark's probe counts them (`connection.execute_wrapper`: BEGIN and COMMIT are not statements).

Each write has a budget, and its count must not move when the authority already holds many more cases,
citizens, notes and messages. `SHOW_QUERIES=1 pytest tests/test_write_queries.py -s` prints them.
"""

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from huey.contrib.djhuey import HUEY
from huey.signals import SIGNAL_EXECUTING

from authorities.models import Role
from cases.choices import Outcome, Status
from cases.mail.inbound import store_raw
from cases.mail.outbound import queue_email
from cases.models import Case, CaseEvent, CaseSearch, InboundEmail, Message, MessageCase, Note
from cases.search import search_cases
from tests.conftest import member_of
from tests.draftail import typed
from tests.factories import CaseFactory
from tests.mailbox import load_eml
from tests.test_agent_intake import URL as INTAKE_URL
from tests.test_agent_intake import intake_data
from tests.test_request_form import FORM_URL, PDF, valid_data
from tests.workspace_factories import MessageFactory, NoteFactory, fast_passwords  # noqa: F401

# serialized_rollback: the flush after each test must not run the apps' post_migrate handlers on empty tables.
pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the search row is PostgreSQL's"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOW = os.environ.get("SHOW_QUERIES") == "1"
MORE = 47  # cases added between the two measures (3 before, 50 after)


@dataclass
class Count:
    statements: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.statements)


@contextmanager
def counted(label: str):
    """The statements of a block and of what runs after its commit, and the huey tasks it ran."""
    result = Count()

    def record(execute, sql, params, many, context):
        result.statements.append(sql)
        return execute(sql, params, many, context)

    def executing(signal, task, *args) -> None:
        result.tasks.append(task.name)

    HUEY.signal(SIGNAL_EXECUTING)(executing)
    try:
        with connection.execute_wrapper(record):
            yield result
    finally:
        HUEY.disconnect_signal(executing, SIGNAL_EXECUTING)
    assert not any("max(" in sql.lower() or "count(" in sql.lower() for sql in result.statements), label
    if SHOW:
        print(f"\n=== {label}: {len(result)} statements, tasks {result.tasks}")
        for sql in result.statements:
            print("  ", re.sub(r"^SELECT .*? FROM", "SELECT … FROM", " ".join(sql.split()))[:300])


def fill(authority, count: int) -> list[Case]:
    """`count` cases of the authority, each with its citizen, a note and an inbound message."""
    cases = CaseFactory.create_batch(count, authority=authority)
    for case in cases:
        NoteFactory(case=case)
        MessageFactory(cases=[case])
    return cases


def same_cost(authority, measure) -> int:
    """The statements of `measure(cases)` with 3 cases in the authority, asserted equal with 50."""
    small = len(measure(fill(authority, 3)))
    large = len(measure(fill(authority, MORE)))
    assert small == large, f"{small} statements with 3 cases, {large} with 50"
    return small


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """The form's attempt counters live in the cache, which outlives a test."""
    cache.clear()


def is_indexed(case: Case) -> bool:
    return CaseSearch.objects.filter(case=case).exists()


# The public request form ----------------------------------------------------------------------------


def test_request_form_post_is_flat_and_within_twenty_one_statements(client, authority, mail_settings):
    mail_settings.REQUEST_RATE_LIMIT = 100  # five posts from one address here
    client.post(FORM_URL, valid_data())  # the session exists from then on, as for a citizen who saw the form

    def post(_cases, **files) -> Count:
        with counted("formulaire") as result:
            assert client.post(FORM_URL, valid_data(**files)).status_code == 302
        case = Case.objects.first()
        assert is_indexed(case)
        assert Message.objects.get(cases=case).status == Message.State.SENT
        assert result.tasks == ["send_message"]
        return result

    # 21: the acknowledgement's « Suivre mon dossier » link is a key row written as it leaves (cases/citizen/links.py).
    assert same_cost(authority, post) <= 21
    with_one_file = len(post([], documents=[SimpleUploadedFile("courrier.pdf", PDF)]))
    with_three = len(post([], documents=[SimpleUploadedFile(f"pièce {n}.pdf", PDF) for n in range(3)]))
    assert with_one_file == with_three <= 23, "the files' rows and bytes are one INSERT each, however many"


def test_agent_intake_of_a_phone_request_is_flat(client, authority, agent, mail_settings):
    client.force_login(agent)
    client.get(INTAKE_URL)

    def post(_cases) -> Count:
        with counted("saisine") as result:
            response = client.post(INTAKE_URL, intake_data(authority, email="camille@exemple.fr"))
        assert response.status_code == 302
        case = Case.objects.first()
        assert case.assignee == agent and is_indexed(case)
        assert [event.kind for event in case.events.all()] == [CaseEvent.Kind.CREATED, CaseEvent.Kind.ASSIGNED]
        return result

    assert same_cost(authority, post) <= 17


# Inbound mail ---------------------------------------------------------------------------------------


def test_inbound_message_processing_is_flat(authority, mail_settings):
    def receive(cases) -> Count:
        case = cases[0]
        ours = queue_email("case_closed", [case.citizen.email], {"case": case, "citizen": case.citizen}, case=case)
        raw = load_eml("outlook_reply.eml", [case], ours.message_id)  # a reply with a PDF, its own Message-ID
        raw = raw.replace(b"Message-ID: <", f"Message-ID: <{case.number}.".encode(), 1)
        with counted("courriel reçu") as result:
            inbound = store_raw(raw, InboundEmail.Door.MTA)
        inbound.refresh_from_db()
        assert inbound.state == InboundEmail.State.THREADED
        assert MessageCase.objects.get(case=case, message=inbound.message).processed is False
        assert case.events.filter(kind=CaseEvent.Kind.MESSAGE_RECEIVED).count() == 1
        assert case in search_cases(Case.objects.all(), "prelevement", [authority.pk]), "found right after commit"
        assert result.tasks == ["process_inbound"]
        return result

    cost = same_cost(authority, receive)
    # store, lock, thread (loop guard only for our own Message-IDs, no savepoint), who to notify (cases/notify/),
    # save, index
    assert cost <= 12


# The case page's writes -------------------------------------------------------------------------------


def test_a_note_added_is_flat(client, authority, agent):
    client.force_login(agent)
    data = {"date": date.today().isoformat(), "kind": "note", "content": typed("Appel du requérant.")}

    def add(cases) -> Count:
        with counted("note") as result:
            response = client.post(reverse("case:note_add", kwargs={"number": cases[0].number}), data)
        assert response.status_code == 302
        assert Note.objects.filter(case=cases[0], content="<p>Appel du requérant.</p>").exists()
        assert cases[0] in search_cases(Case.objects.all(), "requerant", [authority.pk])
        return result

    assert same_cost(authority, add) <= 14


def test_a_message_sent_by_an_agent_is_flat(client, authority, agent, mail_settings):
    client.force_login(agent)

    def send(cases) -> Count:
        case = cases[0]
        data = {
            "to": f"{case.citizen.email}, service@mairie.fr, eau@mairie.fr",
            "subject": "Votre dossier",
            "body": typed("Bonjour, pouvez-vous nous envoyer la facture ?"),
            "files": [SimpleUploadedFile("courrier.pdf", PDF), SimpleUploadedFile("relevé.pdf", PDF)],
        }
        with counted("message envoyé") as result:
            response = client.post(reverse("case:message_compose", kwargs={"number": case.number}), data)
        assert response.status_code == 302
        sent = Message.objects.filter(cases=case, template__startswith="case_message_to_")
        assert sorted(message.status for message in sent) == [Message.State.SENT] * 2
        assert all(message.attachments.count() == 2 for message in sent)
        assert result.tasks == ["send_message", "send_message"]
        return result

    assert same_cost(authority, send) <= 23


STATUS_CHANGES = (
    ("assign_to_me", {}, 14),
    ("facts", {"status": Status.CONTACT_REQUESTER}, 15),
    ("close", {"outcome": Outcome.PARTIAL, "agreement": "unknown", "court_next": "unknown"}, 19),
    ("reopen", {}, 14),
)
MAIN_AGENT_CHANGES = (("assign", "assignee", 20), ("unassign", None, 14))


def test_status_changes_are_flat(client, authority, agent, mail_settings):
    """Take, change the status, close (the citizen is emailed), reopen; the main agent transfers and unassigns."""
    main_agent = member_of(authority, Role.MAIN_AGENT)

    def post(user, name: str, case: Case, data: dict) -> Count:
        client.force_login(user)
        with counted(name) as result:
            response = client.post(reverse(f"case:{name}", kwargs={"number": case.number}), data)
        assert response.status_code == 302
        return result

    def work(cases) -> list[int]:
        case = cases[0]
        counts = [len(post(agent, name, case, data)) for name, data, _budget in STATUS_CHANGES]
        for name, field_name, _budget in MAIN_AGENT_CHANGES:
            counts.append(len(post(main_agent, name, case, {field_name: main_agent.pk} if field_name else {})))
        case.refresh_from_db()
        assert (case.status, case.assignee) == (Status.ABOUT_TO_CLOSE, None)
        assert Message.objects.get(cases=case, template="case_closed").status == Message.State.SENT
        assert set(Message.objects.filter(template="case_unassigned").values_list("status", flat=True)) == {"sent"}
        return counts

    small = work(fill(authority, 3))
    large = work(fill(authority, MORE))
    assert small == large
    budgets = [budget for *_action, budget in (*STATUS_CHANGES, *MAIN_AGENT_CHANGES)]
    assert all(count <= budget for count, budget in zip(small, budgets, strict=True)), small


# What the writes no longer ask the database --------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"prior_complaint": False, "prior_complaint_answered": True},
        {"closed_at": "2026-01-01T00:00:00Z", "outcome": ""},
    ],
)
def test_check_constraints_are_clean_rules_and_still_enforced_by_postgresql(authority, fields):
    """Case.validate_constraints asks nothing: each check constraint is a rule of `clean`, and the database
    still refuses a row that breaks it."""
    case = CaseFactory(authority=authority)
    for name, value in fields.items():
        setattr(case, name, value)
    with pytest.raises(ValidationError):
        case.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        case.save()


def test_case_constraints_are_all_checks_that_clean_states():
    """If a unique constraint is ever added, `Case.validate_constraints` must validate it again."""
    assert {type(constraint).__name__ for constraint in Case._meta.constraints} == {"CheckConstraint"}
