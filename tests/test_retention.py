"""Retention (issue #14 items 1, 2 and 7): closed cases anonymised after their period, the 30-day notice.

The case of these tests is built through the real services (intake fields, an edit of the
citizen's phone, a note, a document, a message out, a real email in, closing, a digest naming
the citizen), so every place the code writes personal data to is filled before the job runs.
"""

import datetime
from email.message import EmailMessage

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import notes, workflow
from cases.choices import NoteKind, Outcome, Status
from cases.mail.messenger import send_case_message
from cases.mail.outbound import queue_email
from cases.models import (
    Attachment,
    AttachmentContent,
    Case,
    CaseEvent,
    CaseSearch,
    Citizen,
    InboundEmail,
    Message,
    Note,
    RetentionPeriod,
)
from cases.privacy.anonymise import anonymise_due
from cases.privacy.cleanup import nightly_retention
from cases.privacy.retention import due_cases, due_within_notice, period_label
from cases.regions import readable_phone
from tests.factories import CaseFactory
from tests.mailbox import pipe
from tests.workspace_factories import PDF_BYTES, AttachmentFactory, fast_passwords  # noqa: F401

FIRST, LAST = "Philibert", "Quenouille"
EMAIL = "philibert.quenouille@courriel-perso.fr"
PHONE, OLD_PHONE = "+33612345678", "+33698765432"
STREET = "12 rue des Glycines"
NEIGHBOUR = "Ursuline"  # a name only the free texts hold
# Phones as stored (E.164, national digits) and as the timeline writes them (« 06 12 34 56 78 »).
PHONES = [PHONE, PHONE.removeprefix("+33"), readable_phone(PHONE), readable_phone(OLD_PHONE), OLD_PHONE]
NEEDLES = [FIRST, LAST, EMAIL, *PHONES, "Glycines", NEIGHBOUR]
TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "bytea", "tsvector")


def text_columns() -> list[tuple[str, str, str]]:
    """(table, column, type) of every text-like column of every table of the database."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = ANY(%s)",
            [list(TEXT_TYPES)],
        )
        return [row for row in cursor.fetchall() if row[0] in tables]


def where_found(needle: str) -> set[str]:
    """Every table.column holding `needle` (case-insensitive; in bytes for bytea; as a stem in vectors)."""
    found = set()
    with connection.cursor() as cursor:
        for table, column, data_type in text_columns():
            quoted = f"{connection.ops.quote_name(table)}.{connection.ops.quote_name(column)}"
            if data_type == "bytea":
                condition = f"position(convert_to(%s, 'UTF8') in {quoted}) > 0"
                value = needle
            else:
                condition = f"strpos(lower({quoted}::text), %s) > 0"
                value = needle.lower()[:8] if data_type == "tsvector" else needle.lower()
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} WHERE {condition} LIMIT 1", [value])  # noqa: S608
            if cursor.fetchone():
                found.add(f"{table}.{column}")
    return found


def database_fingerprint() -> dict[str, str]:
    """One hash of every table's rows."""
    result = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {name} t")  # noqa: S608
            result[table] = cursor.fetchone()[0]
    return result


def reply_from_citizen(case: Case) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{FIRST} {LAST} <{EMAIL}>"
    msg["To"] = case.reply_address
    msg["Subject"] = f"Re: mon dossier, {LAST}"
    msg["Message-ID"] = "<reponse-1@courriel-perso.fr>"
    msg.set_content(
        f"Bonjour, c'est encore {NEIGHBOUR} qui fait du bruit. Appelez-moi au 06 12 34 56 78.\n\n"
        f"Le 3 mars 2024 à 10:15, Le médiateur a écrit :\n> Bonjour Madame {LAST},\n"  # kept in Message.full_html
    )
    msg.add_attachment(PDF_BYTES + f"% {LAST}".encode(), maintype="application", subtype="pdf", filename="plainte.pdf")
    return msg.as_bytes()


def close_months_ago(case: Case, months: int, days: int = 1) -> None:
    closed_at = timezone.now() - relativedelta(months=months, days=days)
    Case.objects.filter(pk=case.pk).update(closed_at=closed_at, status=Status.CLOSED, outcome=Outcome.values[0])


@pytest.fixture
def full_case(authority, agent, mail_settings, committed):
    """A closed case with everything personal the services write: contact, texts, note, documents, mail in and out."""
    with committed():
        case = CaseFactory(
            authority=authority,
            description=f"Ma voisine {NEIGHBOUR} fait du bruit la nuit.",
            citizen__first_name=FIRST,
            citizen__last_name=LAST,
            citizen__email=EMAIL,
            citizen__phone=OLD_PHONE,
            citizen__street=STREET,
            citizen__postal_code="69001",
            citizen__city="Lyon",
            citizen__gender="female",
        )
        queue_email(
            "case_acknowledgement",
            [EMAIL],
            {"case": case, "citizen": case.citizen, "send_copy": False, "answers": []},
            case=case,
        )
        workflow.update_fields(agent, case, citizen_values={"phone": PHONE})
        notes.add_note(
            agent,
            case,
            date=datetime.date.today(),
            kind=NoteKind.PHONE_CALL,
            content=f"<p>{FIRST} rappelle : {NEIGHBOUR} continue.</p>",
        )
        AttachmentFactory(case=case, name=f"courrier-{LAST}.pdf", data=PDF_BYTES + f"% {LAST}".encode())
        send_case_message(case, agent, [EMAIL], [], f"Votre dossier, {FIRST}", f"<p>Bonjour {FIRST} {LAST},</p>")
    with committed():
        pipe(reply_from_citizen(case))
    with committed():
        workflow.close(agent, case, {"outcome": Outcome.values[0], "conclusion": f"{NEIGHBOUR} a cessé."})
        digest = queue_email(
            "agent_digest",
            [agent.email],
            {
                "recipient": agent,
                "authorities": [],
                "due_cases": [{"number": case.number, "due_date": None, "citizen_name": f"{FIRST} {LAST}", "url": ""}],
            },
        )
    Message.objects.filter(pk=digest.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    case.refresh_from_db()
    return case


# Every text column is listed from information_schema, which SQLite does not have.
TEXT_COLUMNS_OF_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="information_schema")


@TEXT_COLUMNS_OF_POSTGRESQL
def test_everything_personal_is_written_before_the_job(full_case):
    """The search below would pass on an empty database: first, it finds each value where the services put it."""
    assert "cases_citizen.last_name" in where_found(LAST)
    assert {"cases_message.text", "cases_inboundemail.raw", "cases_casesearch.document"} <= where_found(LAST)
    assert "cases_message.full_html" in where_found(LAST)  # the quoted history, behind « Afficher le message complet »
    assert "cases_attachmentcontent.data" in where_found(LAST)
    assert {"cases_note.content", "cases_case.description", "cases_case.conclusion"} <= where_found(NEIGHBOUR)
    assert "cases_caseevent.data" in where_found(readable_phone(OLD_PHONE))
    assert InboundEmail.objects.filter(message__case_links__case=full_case).exists()


@TEXT_COLUMNS_OF_POSTGRESQL
def test_anonymisation_leaves_no_personal_value_anywhere_and_a_second_run_changes_nothing(full_case):
    nothing = {"anonymised": 0, "digests": 0, "uploads": 0, "inbound": 0, "exports": 0}
    assert nightly_retention() == nothing | {"digests": 1}  # closed today: not due; the old digest goes
    close_months_ago(full_case, 24)
    assert nightly_retention() == nothing | {"anonymised": 1}
    for needle in NEEDLES:
        assert where_found(needle) == set(), needle
    before = database_fingerprint()
    assert nightly_retention() == nothing
    assert database_fingerprint() == before


def test_what_the_statistics_read_is_kept(full_case):
    kept_case = Case.objects.values("status", "channel", "outcome", "created_at", "domain", "competent_third_party")
    kept_citizen = ("gender", "representation", "postal_code", "city", "country")
    case_before = kept_case.get(pk=full_case.pk)
    citizen_before = Citizen.objects.values(*kept_citizen).get(pk=full_case.pk)
    events_before = list(full_case.events.values_list("kind", "actor", "created_at"))
    close_months_ago(full_case, 25)
    closed_at = Case.objects.get(pk=full_case.pk).closed_at
    anonymise_due()
    case = Case.objects.get(pk=full_case.pk)
    assert kept_case.get(pk=case.pk) == case_before
    assert case.closed_at == closed_at and case.anonymised_at is not None
    assert Citizen.objects.values(*kept_citizen).get(pk=case.pk) == citizen_before
    events = list(case.events.values_list("kind", "actor", "created_at"))
    assert events[: len(events_before)] == events_before
    assert events[-1][0] == CaseEvent.Kind.ANONYMISED
    # The uploaded document and the file the citizen emailed stay as rows (type, size), without bytes or name.
    assert sorted(Attachment.objects.values_list("name", "content_type")) == [("", "application/pdf")] * 2
    assert not AttachmentContent.objects.exists()
    assert not case.notes.exists()
    assert not InboundEmail.objects.exists()
    assert set(case.messages.values_list("status", flat=True)) <= {"sent", "failed", "received"}
    if connection.vendor == "postgresql":  # search rows exist there only (cases/search/document.py)
        assert CaseSearch.objects.filter(case=case).exists()  # rewritten from what is left


def test_the_case_page_says_anonymised_and_shows_only_what_is_left(client, agent, full_case):
    close_months_ago(full_case, 25)
    anonymise_due()
    client.force_login(agent)
    response = client.get(reverse("case:detail", args=[full_case.number]))
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Dossier anonymisé le {timezone.localdate():%d/%m/%Y}" in body
    assert "Lyon" in body and "69001" in body
    assert "Motif de la demande" not in body and "Adresse" not in body
    assert "valeur effacée" in body  # the phone change on the timeline, without its values
    for needle in NEEDLES:
        assert needle not in body


def test_an_anonymised_case_takes_no_new_data(agent, full_case):
    close_months_ago(full_case, 25)
    anonymise_due()
    case = Case.objects.get(pk=full_case.pk)
    with pytest.raises(Exception, match="anonymisé"):
        workflow.reopen(agent, case)
    with pytest.raises(Exception, match="anonymisé"):
        notes.add_note(agent, case, date=datetime.date.today(), kind=NoteKind.NOTE, content="<p>x</p>")


def test_the_mailjet_route_of_an_anonymised_case_is_removed(full_case, mail_settings, provider_api, committed):
    mail_settings.INBOUND_PROVIDER = "mailjet"
    api = "https://api.mailjet.com/v3/REST/parseroute"
    provider_api.add("GET", api, json={"Data": [{"ID": 77, "Email": full_case.reply_address.lower()}]})
    provider_api.add("DELETE", f"{api}/77", status=204)
    close_months_ago(full_case, 25)
    with committed():
        anonymise_due()
    assert [call.request.method for call in provider_api.calls] == ["GET", "DELETE"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="search rows are PostgreSQL's")
def test_a_batch_rewrites_its_search_rows_in_one_statement(db, committed):
    """Each deleted note asks for its case's re-index after commit: the batch's own statement makes them needless."""
    with committed():
        cases = CaseFactory.create_batch(3)
    for case in cases:
        Note.objects.bulk_create(Note(case=case, date=datetime.date.today(), content=f"<p>{LAST}</p>") for _ in "ab")
        close_months_ago(case, 24)
    with CaptureQueriesContext(connection) as queries, committed():
        assert anonymise_due() == 3
    rewrites = [query for query in queries.captured_queries if "INSERT INTO cases_casesearch" in query["sql"]]
    assert len(rewrites) == 1


def test_a_shorter_period_chosen_by_the_main_agent(authority, other_authority, committed):
    RetentionPeriod.objects.create(authority=authority, months=12)
    here, elsewhere = CaseFactory(authority=authority), CaseFactory(authority=other_authority)
    for case in (here, elsewhere):
        close_months_ago(case, 13)
    assert set(due_cases()) == {here}
    assert anonymise_due() == 1
    assert Case.objects.get(pk=here.pk).anonymised_at is not None
    assert Case.objects.get(pk=elsewhere.pk).anonymised_at is None


def test_a_period_longer_than_the_platform_s_counts_as_the_platform_s(authority, settings):
    settings.RETENTION_MONTHS = 12
    RetentionPeriod.objects.create(authority=authority, months=24)
    case = CaseFactory(authority=authority)
    close_months_ago(case, 13)
    assert list(due_cases()) == [case]


def test_a_reopened_case_is_no_longer_due(agent, full_case):
    close_months_ago(full_case, 24, days=-10)  # due in 10 days
    assert list(due_within_notice()) == [full_case]
    workflow.reopen(agent, Case.objects.get(pk=full_case.pk))
    assert not due_within_notice().exists()
    assert anonymise_due(timezone.now() + relativedelta(months=1)) == 0


def test_the_30_day_notice_on_the_dashboard_and_its_list_page(client, authority, main_agent, agent, full_case):
    soon, later = full_case, CaseFactory(authority=authority, citizen__last_name="Tardif")
    close_months_ago(soon, 24, days=-10)
    close_months_ago(later, 24, days=-40)
    client.force_login(main_agent)
    dashboard = client.get("/admin/").content.decode()
    assert "Dossiers anonymisés d'ici 30 jours" in dashboard
    assert soon.label in dashboard and later.label not in dashboard
    page = client.get(reverse("case_retention"))
    assert page.status_code == 200
    assert soon.label in page.content.decode() and later.label not in page.content.decode()
    expected = timezone.localdate(Case.objects.get(pk=soon.pk).closed_at + relativedelta(months=24))
    assert f"{expected:%d/%m/%Y}" in page.content.decode()
    client.force_login(agent)
    assert "Dossiers anonymisés d'ici 30 jours" not in client.get("/admin/").content.decode()


def test_the_main_agent_chooses_a_shorter_period_never_a_longer_one(client, authority, main_agent):
    client.force_login(main_agent)
    url = reverse("case_retention")
    response = client.post(url, {"authority": authority.pk, f"{authority.pk}-months": "30"})
    assert response.status_code == 200 and not RetentionPeriod.objects.exists()
    response = client.post(url, {"authority": authority.pk, f"{authority.pk}-months": "18"})
    assert response.status_code == 302
    assert RetentionPeriod.objects.get(authority=authority).months == 18
    assert "18 mois" in client.get(url).content.decode()
    client.post(url, {"authority": authority.pk, f"{authority.pk}-months": ""})
    assert not RetentionPeriod.objects.exists()


@pytest.mark.parametrize("role", ["main_agent", "agent", "other_agent", "editor", "platform_admin", "anonymous"])
def test_retention_page_access(client, request, authority, other_authority, role):
    case = CaseFactory(authority=authority, citizen__last_name="Confidentiel")
    close_months_ago(case, 24, days=-5)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = reverse("case_retention")
    for response in (client.get(url), client.post(url, {"authority": authority.pk, f"{authority.pk}-months": "6"})):
        if role == "anonymous":
            assert response.status_code == 302 and response.url.startswith(reverse("wagtailadmin_login"))
        elif role == "main_agent":
            assert response.status_code in (200, 302)
        else:
            assert response.status_code == 404
            assert "Confidentiel" not in response.content.decode()
    assert RetentionPeriod.objects.exists() is (role == "main_agent")


def test_the_pages_state_the_period_of_the_setting(settings, client, authority):
    from pages import defaults

    assert period_label(24) == "2 ans" and period_label(12) == "1 an" and period_label(18) == "18 mois"
    settings.RETENTION_MONTHS = 36
    texts = str(defaults.platform_pages()) + str(defaults.authority_content_pages(authority))
    assert "3 ans" in texts and "deux ans" not in texts
    RetentionPeriod.objects.create(authority=authority, months=18)
    form = client.get(f"/{authority.slug}/faire-une-demande/").content.decode()
    assert "anonymisées 18 mois après la clôture" in form


def test_an_email_to_an_anonymised_case_is_kept_aside(full_case, committed):
    close_months_ago(full_case, 25)
    anonymise_due()
    messages = Message.objects.count()
    with committed():
        pipe(reply_from_citizen(full_case))
    [inbound] = InboundEmail.objects.all()
    assert inbound.state == InboundEmail.State.KEPT_ASIDE
    assert Message.objects.count() == messages


def test_the_digest_tells_main_agents_how_many_cases_are_anonymised_within_30_days(
    authority, main_agent, agent, mail_settings, committed
):
    from cases.mail.digest import send_digests

    case = CaseFactory(authority=authority, citizen__last_name="Discret")
    close_months_ago(case, 24, days=-10)
    with committed():
        send_digests(timezone.localdate())
    digests = {message.to[0]: message for message in Message.objects.filter(template="agent_digest")}
    assert set(digests) == {main_agent.email}  # the agent has nothing else to hear about
    text = digests[main_agent.email].text
    assert "ANONYMISÉS D'ICI 30 JOURS" in text and f"{authority.name} : 1 dossier clôturé" in text
    assert reverse("case_retention") in text and "Discret" not in text
