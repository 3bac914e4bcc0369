"""``seology cleanup`` and ``seology usage-reset``: the upkeep jobs on an operator's demand.

With a deployment (``SEOLOGY_DAGSTER_URL`` set) each is a row of the ``jobs`` table that the
deployment's sensor launches; otherwise the job runs in this process on the local instance.
Both paths check the input the same way (the jobs table's validation) before anything runs.
"""

from __future__ import annotations

import json
from typing import Any

import click

from seology_pipeline import jobs
from seology_pipeline.cli.errors import CommandError
from seology_pipeline.cli.run_cmds import (
    local_instance,
    run_log_config,
    verbose_requested,
)
from seology_pipeline.db.engine import connected_engine, session_scope
from seology_pipeline.defs.local import run_job
from seology_pipeline.jobs import JobError, JobState, JobStatus, JobType
from seology_pipeline.names import MANUAL_PRIORITIES, MAX_AGE_DAYS, MIN_AGE_DAYS, MONTH_TAG
from seology_pipeline.queue import QueueClient
from seology_pipeline.settings import dagster_url

WAIT_HELP = "With a deployment: wait for the job and print its result (default: print its id)."


def echo_result(status: JobStatus) -> None:
    """The job's id, state and result fields, one per line; a failure is the one error line."""
    click.echo(f"job {status.id}: {status.status.value}")
    for key, value in (status.result or {}).items():
        click.echo(f"  {key}: {json.dumps(value)}")
    if status.status != JobState.COMPLETED:
        raise CommandError(f"job {status.id} ended {status.status.value}: {status.error}")


def run_upkeep(
    ctx: click.Context, job_type: JobType, payload: dict[str, Any], priority: str, wait: bool
) -> None:
    """Check ``payload``, then enqueue it (deployment) or run it here; print the outcome."""
    engine = connected_engine()
    try:
        with session_scope(engine) as session:
            jobs.list_jobs(session, limit=1)  # no schema yet: one line naming `seology db upgrade`
            launch = jobs.validate(session, job_type, payload)
        if dagster_url() is not None:
            with QueueClient(engine) as queue:
                job_id = queue.enqueue(job_type, payload, MANUAL_PRIORITIES[priority])
                click.echo(job_id)
                if wait:
                    echo_result(queue.wait(job_id))
            return
    except JobError as exc:
        raise CommandError(str(exc)) from None
    config = run_log_config(verbose_requested(ctx, False)) | {
        "ops": {launch.op: {"config": launch.config}}
    }
    tags = {MONTH_TAG: launch.month} if launch.month else {}
    with local_instance() as instance:
        outcome = run_job(
            instance, launch.job_name, run_config=config, tags=tags, partition_key=launch.month
        )
    echo_result(outcome.status())


priority_option = click.option(
    "--priority", type=click.Choice(list(MANUAL_PRIORITIES)), default="normal", show_default=True
)


@click.command()
@click.option(
    "--days-old",
    type=click.IntRange(MIN_AGE_DAYS, MAX_AGE_DAYS),
    default=90,
    show_default=True,
    help="Remove expired rollbacks and read notifications older than this.",
)
@click.option("--dry-run", is_flag=True, help="Count what would be removed; remove nothing.")
@priority_option
@click.option("--wait/--no-wait", default=False, help=WAIT_HELP)
@click.pass_context
def cleanup(ctx: click.Context, days_old: int, dry_run: bool, priority: str, wait: bool) -> None:
    """Run the cleanup job now (the daily schedule's work) and print its counts."""
    payload: dict[str, Any] = {"daysOld": days_old}
    if dry_run:
        payload["dryRun"] = True
    run_upkeep(ctx, JobType.CLEANUP, payload, priority, wait)


@click.command("usage-reset")
@click.option("--month", required=True, help="YYYY-MM, a month that is over (e.g. 2026-11).")
@click.option(
    "--force",
    is_flag=True,
    help="Also zero the counters of the current or a future month (hands quotas back).",
)
@priority_option
@click.option("--wait/--no-wait", default=False, help=WAIT_HELP)
@click.pass_context
def usage_reset(
    ctx: click.Context, month: str | None, force: bool, priority: str, wait: bool
) -> None:
    """Reset a month's usage counters now (the monthly schedule's work for a past month) and
    print how many users it reset; a month not over needs --force."""
    payload: dict[str, Any] = {"month": month} if month else {}
    if force:
        payload["force"] = True
    run_upkeep(ctx, JobType.RESET_USAGE, payload, priority, wait)
