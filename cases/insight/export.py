"""The pseudonymised export (reference §8): the source's columns as XLSX or CSV, built in the background.

What a file holds: one row per case, newest first, the original's columns in its order under its French
headers, plus « Date de première réponse au requérant » at the end; « Oui » / « Non » for booleans (empty
when unknown), French labels for choices, dates in Europe/Paris as `yyyy-MM-dd HH:mm:ss` (a due date, a
day, as `yyyy-MM-dd`). The CSV is UTF-8 with a byte order mark and `;` between fields, which French Excel
and LibreOffice open as columns with their accents; in the XLSX, dates are real date cells.

Who exports what: the statistics page's scope, period and filters (`start_export`), or any cases of the
user's scope, such as the case index's selection (`export_cases`). Either way a `Job` is queued; the
worker re-reads the user's scope when it runs (a member removed meanwhile gets none of the authority's
cases), writes the rows as it reads them (a server-side cursor, openpyxl's write-only workbook, a temporary
file), so memory stays flat whatever the number of cases, and moves the file into the database in parts.
The user follows the progress on the job's page, finds the file in « Mes exports », and gets an email when
it is ready; files are deleted after 7 days (`purge_expired_files`, nightly), the job's record stays.

For another package (the case index's « export the selection »)::

    from cases.insight.export import export_cases

    job = export_cases(request.user, selected_cases_or_numbers, kind="xlsx")
    return redirect(job_url(job))  # its progress page; the file is in « Mes exports »
"""

import csv
import datetime
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from cases import audit
from cases.insight import source
from cases.insight.figures import Filters, scoped_cases
from cases.insight.models import FILE_DAYS, PART_BYTES, FilePart, Job, Kind, State
from cases.insight.period import PARIS, Period
from cases.insight.scope import Scope, scope_for
from cases.mail.outbound import queue_email
from cases.models import Case

logger = logging.getLogger(__name__)

YES, NO = "Oui", "Non"
DATETIME_FORMAT, DATE_FORMAT = "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"
XLSX_DATETIME, XLSX_DATE = "yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd"
PROGRESS_EVERY = 1000  # rows between two progress updates (one query each)
READ_CHUNK = 2000
SHEET_TITLE = "Dossiers"
COLUMNS = source.EXPORTED
HEADERS = [column.header for column in COLUMNS]


def local(value: datetime.datetime) -> datetime.datetime:
    """The instant as Paris wall-clock time, without time zone (what a spreadsheet cell holds)."""
    return value.astimezone(PARIS).replace(tzinfo=None)


def date_text(value: datetime.date) -> str:
    """`yyyy-MM-dd HH:mm:ss` in Paris for an instant, `yyyy-MM-dd` for a day (a due date)."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(PARIS).strftime(DATETIME_FORMAT)
    return value.strftime(DATE_FORMAT)


def converter(column: source.Column, text: bool) -> Callable:
    """How a column's values are written: French labels, « Oui » / « Non », Paris dates (as text for the CSV,
    as date cells for the XLSX), empty for unknown. Chosen once per column, not tested again for each cell."""
    if column.kind == source.BOOLEAN:
        return lambda value: "" if value is None else (YES if value else NO)
    if column.kind == source.CHOICE:
        labels = column.labels()
        return lambda value: labels.get(value, value) if value else ""
    if column.kind == source.DATE:
        write = date_text if text else lambda value: local(value) if isinstance(value, datetime.datetime) else value
        return lambda value: "" if value is None else write(value)
    return lambda value: "" if value is None else value


def display(column: source.Column, value):
    """One cell as the XLSX holds it."""
    return converter(column, text=False)(value)


def rows_of(cases: QuerySet[Case], text: bool) -> Iterator[list]:
    """The export's rows of these cases, newest first, read in chunks (a server-side cursor on PostgreSQL)."""
    names = [column.name for column in COLUMNS]
    ordered = source.rows(cases, *names).order_by("-created_at", "-number")
    keyed = [(column.name, converter(column, text)) for column in COLUMNS]
    for row in ordered.iterator(chunk_size=READ_CHUNK):
        yield [convert(row[name]) for name, convert in keyed]


def write_csv(rows: Iterable[list], path: Path, progress: Callable[[int], None]) -> int:
    """UTF-8 with BOM, `;`-separated, fields quoted when needed, CRLF line ends (what Excel expects)."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as text:
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        for count, row in enumerate(rows, start=1):
            writer.writerow(row)
            if count % PROGRESS_EVERY == 0:
                progress(count)
    return count


def write_xlsx(rows: Iterable[list], path: Path, progress: Callable[[int], None]) -> int:
    """A write-only workbook: rows go to a temporary file as they come, never all held in memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    sheet.append(HEADERS)
    count = 0
    for count, row in enumerate(rows, start=1):
        sheet.append([xlsx_cell(sheet, value) for value in row])
        if count % PROGRESS_EVERY == 0:
            progress(count)
    workbook.save(path)
    return count


def xlsx_cell(sheet, value):
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATETIME if isinstance(value, datetime.datetime) else XLSX_DATE
        return cell
    return value


WRITERS = {Kind.XLSX: write_xlsx, Kind.CSV: write_csv}


def store_file(job: Job, path: Path) -> int:
    """Move the file into the job's parts, one part at a time; returns its size."""
    size, index = 0, 0
    with path.open("rb") as file:
        while part := file.read(PART_BYTES):
            FilePart.objects.create(job=job, index=index, data=part)
            size += len(part)
            index += 1
    return size


def file_parts(job: Job) -> Iterator[bytes]:
    """The file's bytes, part by part, each part read by its own query (never the whole file at once)."""
    indexes = list(job.parts.order_by("index").values_list("index", flat=True))
    for index in indexes:
        yield bytes(FilePart.objects.values_list("data", flat=True).get(job=job, index=index))


# Queuing


def criteria_of(period: Period | None, filters: Filters) -> dict:
    criteria = {
        "status": filters.status,
        "channel": filters.channel,
        "domain_id": filters.domain_id,
        "assignee_id": filters.assignee_id,
    }
    if period is not None:
        criteria |= {"first_day": period.first_day.isoformat(), "last_day": period.last_day.isoformat()}
    return criteria


def queue(job: Job) -> Job:
    """Run the job in the worker once the row is committed."""
    from cases.insight.tasks import run_job

    transaction.on_commit(lambda: run_job(job.pk))
    return job


def start_export(user, kind: str, scope: Scope, label: str, period: Period | None, filters: Filters) -> Job:
    """Queue an export of the statistics page's scope, period (cases received in it) and filters."""
    job = Job.objects.create(
        user=user,
        kind=kind,
        authority_ids=scope.authority_ids or [],
        every_authority=scope.authority_ids is None,
        criteria=criteria_of(period, filters),
        label=label[:500],
    )
    return queue(job)


def export_cases(user, cases: QuerySet[Case] | Iterable[int], kind: str = Kind.XLSX, label: str = "") -> Job:
    """Queue an export of these cases (a queryset or case numbers) for `user`; a public service function.

    Only the cases of the user's own scope are written (scope.py: their authorities, every authority for
    a platform admin): a number outside it is left out, never an error that would tell it exists. Raises
    Http404 for a user without statistics (an editor).
    """
    scope = scope_for(user)
    numbers = sorted(
        set(cases.values_list("number", flat=True)) if isinstance(cases, QuerySet) else {int(n) for n in cases}
    )
    job = Job.objects.create(
        user=user,
        kind=kind,
        authority_ids=scope.authority_ids or [],
        every_authority=scope.authority_ids is None,
        criteria={"numbers": numbers},
        label=(label or f"Sélection de {len(numbers)} dossier(s)")[:500],
    )
    return queue(job)


def job_cases(job: Job) -> QuerySet[Case]:
    """The job's cases, within the user's scope as it is now (narrowed to the scope it was asked with)."""
    try:
        scope = scope_for(job.user)
    except Http404:
        return Case.objects.none()
    if not job.every_authority:
        allowed = set(scope.authority_ids) if scope.authority_ids is not None else None
        kept = [pk for pk in job.authority_ids if allowed is None or pk in allowed]
        scope = Scope(kept, scope.choices, scope.platform, scope.load_authority_ids)
    criteria = job.criteria
    if "numbers" in criteria:
        return scoped_cases(scope).filter(number__in=criteria["numbers"])
    cases = scoped_cases(
        scope,
        Filters(
            criteria.get("status", ""),
            criteria.get("channel", ""),
            criteria.get("domain_id"),
            criteria.get("assignee_id"),
        ),
    )
    if criteria.get("first_day"):
        period = Period(
            datetime.date.fromisoformat(criteria["first_day"]), datetime.date.fromisoformat(criteria["last_day"])
        )
        cases = cases.filter(created_at__gte=period.start, created_at__lt=period.end)
    return cases


def file_name(job: Job) -> str:
    return f"mediature-dossiers-{timezone.localtime(job.created_at, PARIS):%Y-%m-%d}-{job.pk}.{job.kind}"


def run_export(job: Job) -> None:
    cases = job_cases(job)
    Job.objects.filter(pk=job.pk).update(total=cases.count())

    def progress(done: int) -> None:
        Job.objects.filter(pk=job.pk).update(done=done)

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / file_name(job)
        count = WRITERS[job.kind](rows_of(cases, text=job.kind == Kind.CSV), path, progress)
        finish(job, path, count)


def finish(job: Job, path: Path, count: int) -> None:
    """Store the file, mark the job ready and tell its user by email, in one transaction."""
    with transaction.atomic():
        size = store_file(job, path)
        Job.objects.filter(pk=job.pk).update(
            state=State.READY, done=count, total=count, file_name=path.name, file_size=size, finished_at=timezone.now()
        )
        job.refresh_from_db()
        queue_email(
            "document_ready",
            [job.user.email],
            {"recipient": job.user, "job": job, "url": settings.SITE_URL + reverse("insight_jobs"), "days": FILE_DAYS},
        )


def runner(kind: str) -> Callable[[Job], None]:
    if kind == Kind.REPORT:
        from cases.insight.report import run_report  # report.py builds on this module

        return run_report
    return run_export


def run(job_id: int) -> None:
    """What the worker runs: the job's export (or report), once (a job already started is left alone)."""
    started = Job.objects.filter(pk=job_id, state=State.QUEUED).update(state=State.RUNNING, started_at=timezone.now())
    if not started:
        return
    job = Job.objects.select_related("user", "authority").get(pk=job_id)
    try:
        runner(job.kind)(job)
    except Exception as error:
        logger.exception("Export n°%s en échec", job_id)
        Job.objects.filter(pk=job_id).update(state=State.FAILED, error=str(error)[:1000], finished_at=timezone.now())
        raise


# Reading


def jobs_of(user) -> QuerySet[Job]:
    return Job.objects.filter(user=user)


def get_job_or_404(user, pk: int) -> Job:
    """The user's own job: anybody else's, a platform admin's included, is a 404."""
    try:
        return jobs_of(user).get(pk=pk)
    except Job.DoesNotExist:
        raise Http404("Export introuvable.") from None


def record_download(request, job: Job) -> None:
    targets = audit.authority_targets(job.authority_ids) or [None]  # every authority: one row without one
    audit.record_many(request, audit.Action.EXPORTED, targets, detail={"export": job.kind, "rows": job.done})


def purge_expired_files(now: datetime.datetime) -> int:
    """Delete the files ready for more than `FILE_DAYS` (the jobs stay, as their record); returns how many."""
    expired = Job.objects.filter(state=State.READY, finished_at__lt=now - datetime.timedelta(days=FILE_DAYS))
    ids = list(expired.values_list("pk", flat=True))
    FilePart.objects.filter(job_id__in=ids).delete()
    Job.objects.filter(pk__in=ids).update(state=State.DELETED, file_deleted_at=now)
    logger.info("Rétention : %d fichier(s) d'export supprimé(s).", len(ids))
    return len(ids)
