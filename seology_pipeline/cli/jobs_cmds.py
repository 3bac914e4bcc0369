"""``seology jobs``: the jobs table (the web app's queue and job history)."""

from __future__ import annotations

import json

import click

from seology_pipeline import jobs
from seology_pipeline.cli.errors import CommandError
from seology_pipeline.cli.output import echo_table
from seology_pipeline.cli.run_cmds import job_or_run_status
from seology_pipeline.db.engine import connected_engine, session_scope
from seology_pipeline.db.models import JobState
from seology_pipeline.jobs import JobError, JobStatus, JobType
from seology_pipeline.names import MAX_JOB_PRIORITY, MIN_JOB_PRIORITY
from seology_pipeline.queue import QueueClient


def _queue() -> QueueClient:
    return QueueClient(connected_engine())


@click.group("jobs")
def jobs_group() -> None:
    """The jobs table: enqueue, list, show and cancel jobs."""


@jobs_group.command("list")
@click.option("--status", type=click.Choice([s.value for s in JobState]), help="Only this status.")
@click.option("--type", "job_type", help="Only this job type, e.g. CRAWL_SITE.")
@click.option("--site", "site_id", help="Only jobs of this site.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def list_command(
    status: str | None, job_type: str | None, site_id: str | None, limit: int, fmt: str
) -> None:
    """The newest jobs first."""
    with _queue() as queue, session_scope(queue.engine) as session:
        rows = [
            JobStatus.of(job).as_dict()
            for job in jobs.list_jobs(
                session,
                status=JobState(status) if status else None,
                job_type=job_type,
                site_id=site_id,
                limit=limit,
            )
        ]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    columns = ("id", "type", "status", "priority", "site_id", "attempts", "created_at", "error")
    echo_table(
        [{c: "" if row[c] is None else row[c] for c in columns} for row in rows], empty="no jobs"
    )


@jobs_group.command("show")
@click.argument("job_or_run_id")
def show(job_or_run_id: str) -> None:
    """One job (or a run started elsewhere) as JSON."""
    click.echo(json.dumps(job_or_run_status(job_or_run_id).as_dict(), indent=2))


@jobs_group.command("enqueue")
@click.argument("job_type", type=click.Choice([t.value for t in JobType]))
@click.option("--payload", default="{}", show_default=True, help="The job's input as JSON.")
@click.option(
    "--priority",
    type=click.IntRange(MIN_JOB_PRIORITY, MAX_JOB_PRIORITY),
    default=0,
    show_default=True,
    help="Higher runs first.",
)
def enqueue(job_type: str, payload: str, priority: int) -> None:
    """Add a PENDING job (checked first); prints its id. The deployment's sensor launches it."""
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise CommandError(f"--payload is not valid JSON: {exc.msg}") from None
    try:
        with _queue() as queue:
            click.echo(queue.enqueue(job_type, data, priority))
    except JobError as exc:
        raise CommandError(str(exc)) from None


@jobs_group.command("cancel")
@click.argument("job_id")
def cancel(job_id: str) -> None:
    """Cancel a job that has not finished (a running run is stopped)."""
    try:
        with _queue() as queue:
            status = queue.cancel(job_id)
    except JobError as exc:
        raise CommandError(str(exc)) from None
    click.echo(f"job {status.id}: {status.status.value}")
