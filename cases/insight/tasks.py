"""The insight jobs (huey): exports and annual reports, run in the worker (cases/insight/export.py)."""

from huey.contrib.djhuey import db_task

from cases.insight.export import run


@db_task()
def run_job(job_id: int) -> None:
    run(job_id)
