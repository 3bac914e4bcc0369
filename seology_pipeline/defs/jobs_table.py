"""The web app's ``jobs`` table as Dagster sees it: the runs of its pending rows (launched by the
``app_requests`` sensor), and a sensor writing every run's state back (runs started elsewhere get
rows too) and reporting a site's failed run to people."""

from __future__ import annotations

import json
from datetime import timedelta

import dagster as dg
from sqlalchemy.orm import Session

from seology_pipeline import jobs
from seology_pipeline.db.models import Job, utcnow
from seology_pipeline.defs.failures import report_failure
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.run_outcome import run_outcome
from seology_pipeline.defs.settings import jobs_per_tick
from seology_pipeline.names import JOB_ID_TAG, SITES_PARTITIONS

LOST_LAUNCH_AFTER = timedelta(minutes=10)
"""A launched row whose run has not appeared after this long is launched again (same run key)."""
UNFINISHED = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def run_request(job: Job, launch: jobs.Launch) -> dg.RunRequest:
    """The run of a valid row; its id is the run key, so a row never starts two runs."""
    run_config = {"ops": {launch.op: {"config": launch.config}}} if launch.op else {}
    return dg.RunRequest(
        run_key=job.id,
        job_name=launch.job_name,
        partition_key=launch.site_id or launch.month,
        run_config=run_config,
        tags=jobs.run_tags(job, launch),
    )


def _follow_launched(instance: dg.DagsterInstance, session: Session) -> None:
    """Note the run of each launched row, relaunch lost launches, stop runs of canceled rows."""
    launched = {job.id: job for job in jobs.launched_without_run(session)}
    if launched:
        runs = instance.get_runs(dg.RunsFilter(tags={JOB_ID_TAG: list(launched)}))
        found = {run.tags[JOB_ID_TAG]: run.run_id for run in runs}
        jobs.attach_runs(session, found)
        cutoff = utcnow() - LOST_LAUNCH_AFTER
        jobs.release(
            session,
            [
                job_id
                for job_id, job in launched.items()
                if job_id not in found and job.launched_at and job.launched_at < cutoff
            ],
        )
    canceled = jobs.canceled_with_run(session, since=utcnow() - LOST_LAUNCH_AFTER)
    if canceled:
        for run in instance.get_runs(dg.RunsFilter(run_ids=canceled, statuses=UNFINISHED)):
            instance.run_coordinator.cancel_run(run.run_id)


def pending_job_requests(
    instance: dg.DagsterInstance, database: DatabaseResource
) -> tuple[list[dg.RunRequest], list[str], int]:
    """The runs of PENDING rows by priority then age, bounded per tick (a bad payload fails its
    row with the reason): the run requests, the sites to add as partitions and the rows failed."""
    requests: list[dg.RunRequest] = []
    sites: set[str] = set()
    failed = 0
    with database.session() as session:
        _follow_launched(instance, session)
        for job in jobs.claim_pending(session, jobs_per_tick()):
            try:
                launch = jobs.validate_row(session, job)
                requests.append(run_request(job, launch))
                if launch.site_id:
                    sites.add(launch.site_id)
            except jobs.PayloadError as exc:
                jobs.fail(session, job, str(exc))
                failed += 1
    registered = set(instance.get_dynamic_partitions(SITES_PARTITIONS)) if sites else set()
    return requests, sorted(sites - registered), failed


WRITE_BACK_EVENTS = (
    dg.DagsterEventType.RUN_START,
    dg.DagsterEventType.RUN_SUCCESS,
    dg.DagsterEventType.RUN_FAILURE,
    dg.DagsterEventType.RUN_CANCELED,
)
"""The run status changes written back: STARTED, SUCCESS, FAILURE, CANCELED."""
STATUS_CHANGES_PER_TICK = 200
"""Status changes of each kind one tick writes at most; the rest wait for the next tick."""


def _latest_cursors(instance: dg.DagsterInstance) -> dict[str, str]:
    """Each kind's cursor at its newest change: a new sensor writes runs from now on."""
    return {
        event.value: instance.fetch_run_status_changes(event, limit=1).cursor
        for event in WRITE_BACK_EVENTS
    }


# One sensor for the four status changes and the failure notices: each tick costs the daemon and
# the code server more than its queries do, so five run-status sensors cost five times as much
# when nothing happens.
@dg.sensor(
    minimum_interval_seconds=5,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes runs that started, succeeded, failed or were canceled into the jobs table;"
    " tells the owner about a site's failed run and alerts admins after 3 in a row.",
)
def job_runs(context: dg.SensorEvaluationContext, database: DatabaseResource) -> dg.SkipReason:
    instance = context.instance
    if not context.cursor:
        context.update_cursor(json.dumps(_latest_cursors(instance)))
        return dg.SkipReason("from now on")
    cursors = json.loads(context.cursor)
    run_ids: list[str] = []
    for event in WRITE_BACK_EVENTS:
        changes = instance.fetch_run_status_changes(
            event, limit=STATUS_CHANGES_PER_TICK, cursor=cursors.get(event.value), ascending=True
        )
        run_ids += [record.run_id for record in changes.records if record.run_id not in run_ids]
        cursors[event.value] = changes.cursor
    runs = instance.get_runs(dg.RunsFilter(run_ids=run_ids)) if run_ids else []
    outcomes = [run_outcome(instance, run) for run in runs]
    if outcomes:
        with database.session() as session:
            for outcome in outcomes:
                jobs.record_run(session, outcome)
    for run, outcome in zip(runs, outcomes, strict=True):
        if run.status == dg.DagsterRunStatus.FAILURE:
            report_failure(instance, database, context.log, run, outcome.error or "the run failed")
    context.update_cursor(json.dumps(cursors))
    return dg.SkipReason(f"wrote {len(run_ids)} run(s)")


defs = dg.Definitions(sensors=[job_runs])
