"""``seology crawl`` and ``status``: run a crawl and read how a job or run went."""

from __future__ import annotations

import json
from typing import Any

import click
import dagster as dg
from sqlalchemy import Engine

from seology_pipeline import jobs
from seology_pipeline.cli.errors import CommandError
from seology_pipeline.cli.instance_cmds import open_instance
from seology_pipeline.cli.progress import crawl_progress
from seology_pipeline.db.engine import connected_engine, session_scope
from seology_pipeline.db.models import utcnow
from seology_pipeline.defs.local import run_site_job
from seology_pipeline.defs.reaper import fail_abandoned_run
from seology_pipeline.defs.run_outcome import run_outcome
from seology_pipeline.jobs import JobError, JobNotFoundError, JobState, JobStatus, RunOutcome
from seology_pipeline.names import (
    CRAWL_JOB,
    CRAWLED_PAGES,
    FIRST_CRAWL_JOB,
    LOCAL_CRAWL_JOB,
    MANUAL_PRIORITIES,
    MAX_PAGES,
    PARTITION_TAG,
)
from seology_pipeline.queue import QueueClient
from seology_pipeline.runs.reaper import last_heartbeat
from seology_pipeline.runs.registry import SiteRequestError, check_site_request
from seology_pipeline.settings import crawl_stale_after, dagster_url

CRAWL_RUN_UNDER_WAY = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]
CRAWLING_JOBS = (CRAWL_JOB, FIRST_CRAWL_JOB, LOCAL_CRAWL_JOB)
"""The jobs whose runs crawl a site."""


def local_instance() -> dg.DagsterInstance:
    """The Dagster instance at DAGSTER_HOME (the embedded one, created if needed)."""
    return open_instance()


def site_refusal(exc: Exception, user_id: str | None) -> str:
    """The refusal's reason, saying how to fix a wrong ``--user``."""
    reason = str(exc)
    if user_id is not None and f"user {user_id!r}" in reason:
        return f"{reason}; --user must name the site's owner (or leave --user out)"
    return reason


def check_crawl_request(
    engine: Engine, instance: dg.DagsterInstance, site_id: str, user_id: str | None
) -> None:
    """Refuse, in one line, a crawl of an invalid site or of a site with a crawl run under way;
    a run left started by a killed process, idle for the stale bound, is failed instead.

    Checked before the site is registered as a partition; the crawl itself then takes the
    site's lease in the database, whatever launched it.
    """
    try:
        with session_scope(engine) as session:
            check_site_request(session, site_id, user_id)
    except SiteRequestError as exc:
        raise CommandError(site_refusal(exc, user_id)) from None
    under_way = [
        record.dagster_run
        for record in instance.get_run_records(
            dg.RunsFilter(tags={PARTITION_TAG: site_id}, statuses=CRAWL_RUN_UNDER_WAY)
        )
        if record.dagster_run.job_name in CRAWLING_JOBS
    ]
    stale_after = crawl_stale_after()
    for run in under_way:
        with session_scope(engine) as session:
            beat = last_heartbeat(session, run.run_id)
        if not fail_abandoned_run(instance, run, beat, now=utcnow(), stale_after=stale_after):
            raise CommandError(
                f"site {site_id!r} already has crawl run {run.run_id} {run.status.value.lower()};"
                f" wait for it to end (a run whose process died is failed after {stale_after}"
                " without activity: SEOLOGY_CRAWL_STALE_AFTER_S)"
            )


def run_log_config(verbose: bool) -> dict[str, Any]:
    """Run config that keeps Dagster's run log off the terminal unless ``verbose`` (the log is
    still stored with the run, for the UI and ``seology status``)."""
    level = "DEBUG" if verbose else "CRITICAL"
    return {"loggers": {"console": {"config": {"log_level": level}}}}


def crawl_in_process(
    site_id: str, max_pages: int | None, user_id: str | None, *, verbose: bool = False
) -> RunOutcome:
    """Crawl, audit and analyse ``site_id`` here, in one run of ``crawl_and_analyse``.

    The analysis step runs only after a crawl that was audited and became current: a failed or
    refused crawl skips it, and the run fails with the crawl's reason.
    """
    engine = connected_engine()
    config = run_log_config(verbose) | {
        "ops": {CRAWLED_PAGES: {"config": {"max_pages": max_pages, "user_id": user_id}}}
    }
    with local_instance() as instance:
        check_crawl_request(engine, instance, site_id, user_id)
        with crawl_progress(engine, site_id):
            return run_site_job(instance, LOCAL_CRAWL_JOB, site_id, run_config=config)


def verbose_requested(ctx: click.Context, verbose: bool) -> bool:
    """``--verbose`` given on the command or on ``seology`` itself."""
    root = ctx.find_root().obj or {}
    return verbose or bool(root.get("verbose"))


SHOWN_FIELDS = (
    "pagesAnalyzed",
    "issuesFound",
    "health_score",
    "issuesAnalyzed",
    "conversationId",
    "analyst",
)


def _print_run(run: RunOutcome) -> None:
    click.echo(f"run {run.run_id}: {run.state.value}")
    result = run.result or {}
    fields = ", ".join(f"{k}={result[k]}" for k in SHOWN_FIELDS if k in result)
    click.echo(f"  {run.job_type}: {fields}")


@click.command()
@click.argument("site_id")
@click.option("--max-pages", type=click.IntRange(1, MAX_PAGES), help="Default: the site's setting.")
@click.option("--user", "user_id", help="Requesting user; must own the site.")
@click.option(
    "--priority", type=click.Choice(list(MANUAL_PRIORITIES)), default="normal", show_default=True
)
@click.option("--wait/--no-wait", default=False, help="With a deployment: wait for the job.")
@click.option("-v", "--verbose", is_flag=True, help="Show Dagster's run log.")
@click.pass_context
def crawl(
    ctx: click.Context,
    site_id: str,
    max_pages: int | None,
    user_id: str | None,
    priority: str,
    wait: bool,
    verbose: bool,
) -> None:
    """Crawl a site, audit it and analyse it.

    With a deployment (SEOLOGY_DAGSTER_URL set) the crawl is a row of the jobs table that the
    deployment's sensor launches (prints the job id); otherwise it runs in this process on the
    local instance, with live progress.
    """
    if dagster_url() is None:
        run = crawl_in_process(site_id, max_pages, user_id, verbose=verbose_requested(ctx, verbose))
        _print_run(run)
        if not run.success:
            raise CommandError(f"run {run.run_id} failed: {run.error}")
        return
    engine = connected_engine()
    try:
        with QueueClient(engine) as queue:
            job_id = queue.enqueue_crawl(site_id, user_id, max_pages, priority)
            click.echo(job_id)
            if wait:
                with crawl_progress(engine, site_id):
                    status = queue.wait(job_id)
                click.echo(json.dumps(status.as_dict(), indent=2))
                if status.status != JobState.COMPLETED:
                    raise CommandError(f"job {job_id} ended {status.status.value}: {status.error}")
    except JobError as exc:
        raise CommandError(site_refusal(exc, user_id)) from None


def job_or_run_status(job_or_run_id: str) -> JobStatus:
    """A job of the jobs table, else a run of the local instance, in the job-status schema."""
    try:
        with session_scope(connected_engine()) as session:
            return JobStatus.of(jobs.find(session, job_or_run_id))
    except JobNotFoundError:
        pass
    with local_instance() as instance:
        run = instance.get_run_by_id(job_or_run_id)
        if run is None:
            raise CommandError(f"no run or job {job_or_run_id!r}")
        return run_outcome(instance, run).status()


@click.command()
@click.argument("job_or_run_id")
def status(job_or_run_id: str) -> None:
    """Show a job's or run's status (PENDING, PROCESSING, COMPLETED, FAILED, CANCELED) as JSON:
    result fields, root-cause error, attempts and ISO-8601 UTC times."""
    click.echo(json.dumps(job_or_run_status(job_or_run_id).as_dict(), indent=2))
