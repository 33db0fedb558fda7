"""The pseudonymised export (issue 13, item 4; reference §8): its columns, one known case's row, what it never
holds, both formats, and its life as a background job (progress, « Mes exports », email, 7 days, record)."""

import codecs
import csv
import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from authorities.models import Authority
from cases.choices import Channel, Gender, Originator, Outcome, Representation, Status
from cases.insight import export
from cases.insight.figures import Filters
from cases.insight.models import FilePart, Job, Kind, State
from cases.insight.period import Period
from cases.insight.scope import scope_for
from cases.models import Case, Domain
from cases.privacy.cleanup import nightly_retention
from tests.factories import CaseFactory
from tests.test_case_access_matrix import sign_in
from tests.workspace_factories import fast_passwords  # noqa: F401

UTC = datetime.UTC
# Reference §8, in its order; then the one column added (the delay to a first answer reads it).
REFERENCE_HEADERS = [
    "N° dossier",
    "Collectivité",
    "Type de collectivité",
    "Date de la demande",
    "Date de dernière mise à jour",
    "Date d'échéance",
    "Date de clôture",
    "Avancement du dossier",
    "Mode de saisine",
    "Origine de la demande",
    "Collectivité compétente",
    "Domaine principal",
    "Domaine secondaire",
    "Entité compétente principale",
    "Entité compétente secondaire",
    "Assigné",
    "1ère réclamation faite",
    "Réponse à la 1ère réclamation",
    "Échanges en présentiel",
    "Type de clôture",
    "Accord des parties",
    "Poursuite au tribunal administratif",
    "Email renseigné",
    "Identité de genre",
    "Type d'usager",
    "Ville",
    "Code postal",
    "Pays",
]
ADDED_HEADERS = ["Date de première réponse au requérant"]
SECRETS = {
    "first_name": "Prudence",
    "last_name": "Kerguelen",
    "email": "prudence.kerguelen@exemple.fr",
    "phone": "+33298000000",
    "street": "12 rue des Embruns",
    "description": "Ma facture d'eau a triplé",
}


@pytest.fixture
def known(authority, agent):
    agent.first_name, agent.last_name = "Jeanne", "Martin"
    agent.save()
    case = CaseFactory(
        authority=authority,
        assignee=agent,
        status=Status.CLOSED,
        channel=Channel.PHONE,
        originator=Originator.RIGHTS_DEFENDER,
        competent=True,
        domain=Domain.objects.get(name="FSL", parent__name="Habitat, Logement"),
        due_date=datetime.date(2026, 4, 10),
        prior_complaint=True,
        prior_complaint_answered=False,
        face_to_face=True,
        outcome=Outcome.PARTIAL,
        agreement=True,
        court_next=False,
        description=SECRETS["description"],
        citizen__first_name=SECRETS["first_name"],
        citizen__last_name=SECRETS["last_name"],
        citizen__email=SECRETS["email"],
        citizen__phone=SECRETS["phone"],
        citizen__street=SECRETS["street"],
        citizen__gender=Gender.FEMALE,
        citizen__representation=Representation.ASSOCIATION,
        citizen__city="Plouzané",
        citizen__postal_code="29280",
        citizen__country="FR",
    )
    Case.objects.filter(pk=case.pk).update(
        created_at=datetime.datetime(2026, 3, 31, 22, 30, tzinfo=UTC),  # 1 April, 00:30 in Paris
        updated_at=datetime.datetime(2026, 4, 20, 8, 5, 9, tzinfo=UTC),
        closed_at=datetime.datetime(2026, 4, 20, 8, 0, tzinfo=UTC),
        first_answer_at=datetime.datetime(2026, 4, 2, 7, 15, tzinfo=UTC),
    )
    return Case.objects.get(pk=case.pk)


KNOWN_ROW = [
    None,  # the case's number, filled in by the test
    "Ville de Démo",
    "Ville",
    "2026-04-01 00:30:00",
    "2026-04-20 10:05:09",
    "2026-04-10",
    "2026-04-20 10:00:00",
    "Clôture de la procédure",
    "Téléphone",
    "Défenseur des droits",
    "Oui",
    "Habitat, Logement",
    "FSL",
    "",
    "",
    "Jeanne Martin",
    "Oui",
    "Non",
    "Oui",
    "Droit partiel Usager/Administration",
    "Oui",
    "Non",
    "Oui",
    "Femme",
    "Association",
    "Plouzané",
    "29280",
    "France",
    "2026-04-02 09:15:00",
]


def ready_job(user, kind: str, **criteria) -> Job:
    """An export of the user's scope, run here as the worker would."""
    job = export.start_export(user, kind, scope_for(user), "Ville de Démo", None, Filters(**criteria))
    export.run(job.pk)
    job.refresh_from_db()
    assert job.state == State.READY, job.error
    return job


def file_of(job: Job) -> bytes:
    return b"".join(export.file_parts(job))


def csv_rows(job: Job) -> list[list[str]]:
    data = file_of(job)
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_rows(job: Job) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(file_of(job)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_csv_header_and_a_known_case_column_by_column(known, agent):
    rows = csv_rows(ready_job(agent, Kind.CSV))
    assert rows[0] == REFERENCE_HEADERS + ADDED_HEADERS
    expected = [str(known.number), *KNOWN_ROW[1:]]
    for header, value, wanted in zip(rows[0], rows[1], expected, strict=True):
        assert value == wanted, header


def test_xlsx_header_and_a_known_case_column_by_column(known, agent):
    rows = xlsx_rows(ready_job(agent, Kind.XLSX))
    assert rows[0] == REFERENCE_HEADERS + ADDED_HEADERS
    cells = rows[1]
    assert cells[0] == known.number
    assert cells[3] == datetime.datetime(2026, 4, 1, 0, 30)  # a real date cell, Paris time
    assert cells[5] == datetime.datetime(2026, 4, 10)
    as_text = [
        value.strftime("%Y-%m-%d" if index == 5 else "%Y-%m-%d %H:%M:%S")
        if isinstance(value, datetime.datetime)
        else value or ""
        for index, value in enumerate(cells)
    ]
    for header, value, wanted in zip(rows[0][1:], as_text[1:], KNOWN_ROW[1:], strict=True):
        assert value == wanted, header


def test_the_csv_opens_in_french_excel(known, agent):
    data = file_of(ready_job(agent, Kind.CSV))
    assert data[:3] == codecs.BOM_UTF8
    first_line = data[3:].split(b"\r\n")[0].decode("utf-8")
    assert first_line.startswith("N° dossier;Collectivité;Type de collectivité;Date de la demande;")
    assert "Domaine principal;Domaine secondaire" in first_line


@pytest.mark.parametrize("kind", [Kind.CSV, Kind.XLSX])
def test_no_column_ever_holds_a_citizens_name_email_phone_street_or_description(known, agent, kind):
    job = ready_job(agent, kind)
    rows = csv_rows(job) if kind == Kind.CSV else xlsx_rows(job)
    cells = {str(value) for row in rows for value in row if value is not None}
    for name, secret in SECRETS.items():
        assert not any(secret.lower() in cell.lower() for cell in cells), name
        assert secret.encode() not in file_of(job), name


def test_rows_are_newest_first_and_scoped(authority, other_authority, agent):
    older, newer = CaseFactory(authority=authority), CaseFactory(authority=authority)
    CaseFactory(authority=other_authority)
    Case.objects.filter(pk=older.pk).update(created_at=datetime.datetime(2025, 1, 1, tzinfo=UTC))
    rows = csv_rows(ready_job(agent, Kind.CSV))
    assert [row[0] for row in rows[1:]] == [str(newer.number), str(older.number)]


def test_filters_and_period_of_the_statistics_page_apply(authority, agent):
    web, phone = (
        CaseFactory(authority=authority, channel=Channel.WEB),
        CaseFactory(authority=authority, channel="phone"),
    )
    Case.objects.filter(pk=web.pk).update(created_at=datetime.datetime(2025, 6, 1, tzinfo=UTC))
    assert [row[0] for row in csv_rows(ready_job(agent, Kind.CSV, channel="phone"))[1:]] == [str(phone.number)]
    job = export.start_export(agent, Kind.CSV, scope_for(agent), "2025", Period.year(2025), Filters())
    export.run(job.pk)
    job.refresh_from_db()
    assert [row[0] for row in csv_rows(job)[1:]] == [str(web.number)]


def test_export_cases_writes_only_the_users_own_cases(authority, other_authority, agent):
    """The service the case index's « export the selection » calls: another authority's number is left out."""
    own, foreign = CaseFactory(authority=authority), CaseFactory(authority=other_authority)
    job = export.export_cases(agent, [own.number, foreign.number], kind=Kind.CSV)
    export.run(job.pk)
    job.refresh_from_db()
    assert [row[0] for row in csv_rows(job)[1:]] == [str(own.number)]
    assert job.label == "Sélection de 2 dossier(s)"
    queryset_job = export.export_cases(agent, Case.objects.filter(pk=own.pk))
    assert queryset_job.criteria == {"numbers": [own.number]} and queryset_job.kind == Kind.XLSX


def test_a_member_removed_before_the_job_runs_gets_none_of_the_authoritys_cases(authority, agent):
    CaseFactory(authority=authority)
    job = export.start_export(agent, Kind.CSV, scope_for(agent), "Ville de Démo", None, Filters())
    agent.memberships.all().delete()
    export.run(job.pk)
    job.refresh_from_db()
    assert job.done == 0 and len(csv_rows(job)) == 1


def test_the_job_from_the_page_to_the_file(client, authority, agent, committed):
    for _ in range(3):
        CaseFactory(authority=authority)
    sign_in(client, agent)
    with committed():
        response = client.post(reverse("insight_export_start"), {"periode": "", "format": "csv"})
    job = Job.objects.get()
    assert response.status_code == 302 and response.headers["Location"] == reverse("insight_job", args=[job.pk])
    assert (job.state, job.done, job.total, job.percent, job.user) == (State.READY, 3, 3, 100, agent)
    assert job.file_name.endswith(".csv") and FilePart.objects.filter(job=job).exists()
    state = client.get(reverse("insight_job_state", args=[job.pk])).json()
    assert state["percent"] == 100 and state["download"] == reverse("insight_job_download", args=[job.pk])
    listing = client.get(reverse("insight_jobs")).content.decode()
    assert reverse("insight_job_download", args=[job.pk]) in listing and "Ville de Démo" in listing
    download = client.get(reverse("insight_job_download", args=[job.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="{job.file_name}"'
    assert b"".join(download.streaming_content).startswith(codecs.BOM_UTF8)
    with committed():
        pass
    told = [email for email in mail.outbox if email.to == [agent.email]]
    assert told and told[-1].subject == "Votre export est prêt"
    assert reverse("insight_jobs") in told[-1].body


@pytest.mark.parametrize("writer", [export.write_xlsx, export.write_csv])
def test_progress_moves_while_rows_are_written(tmp_path, monkeypatch, writer):
    monkeypatch.setattr(export, "PROGRESS_EVERY", 2)
    seen = []
    assert writer(([index, "x"] for index in range(5)), tmp_path / "export", seen.append) == 5
    assert seen == [2, 4]
    assert [Job(done=done, total=5).percent for done in (0, 2, 4, 5)] == [0, 40, 80, 99]  # 100 once stored


def test_files_are_deleted_after_seven_days_and_the_record_stays(authority, agent):
    CaseFactory(authority=authority)
    job = ready_job(agent, Kind.CSV)
    assert nightly_retention(timezone.now() + datetime.timedelta(days=6))["exports"] == 0
    assert nightly_retention(timezone.now() + datetime.timedelta(days=8))["exports"] == 1
    job.refresh_from_db()
    assert job.state == State.DELETED and job.file_deleted_at is not None
    assert not FilePart.objects.filter(job=job).exists()
    assert (job.user, job.done, job.label, job.kind) == (agent, 1, "Ville de Démo", Kind.CSV)


def test_a_download_is_written_to_the_audit_log(client, authority, agent):
    from cases.audit.models import AuditEntry

    CaseFactory(authority=authority)
    job = ready_job(agent, Kind.CSV)
    sign_in(client, agent)
    b"".join(client.get(reverse("insight_job_download", args=[job.pk])).streaming_content)
    entry = AuditEntry.objects.get(action="exported")
    assert entry.authority_id == authority.pk and entry.detail == {"export": "csv", "rows": 1}


def test_every_export_column_has_a_french_header_and_authority_types_are_labelled():
    assert [column.header for column in export.COLUMNS] == REFERENCE_HEADERS + ADDED_HEADERS
    assert export.display(export.COLUMNS[2], Authority.Type.SUBDIVISION) == "Département"


def test_my_exports_costs_the_same_queries_whatever_the_number_of_jobs(client, authority, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, agent)
    Job.objects.create(user=agent, kind=Kind.CSV, label="un", state=State.READY, finished_at=timezone.now())
    client.get(reverse("insight_jobs"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("insight_jobs"))
    for index in range(15):
        Job.objects.create(user=agent, kind=Kind.XLSX, label=f"export {index}", state=State.QUEUED)
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("insight_jobs")).content.decode()
    assert len(many) == len(one) and "export 14" in body
