"""The web app's ``jobs`` table as Dagster sees it: a sensor launching pending rows as runs, and
run-status sensors writing every run's state back (runs started elsewhere get rows too)."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg
from sqlalchemy.orm import Session

from seology_pipeline import jobs
from seology_pipeline.db.models import Job, utcnow
from seology_pipeline.defs.assets import analyse_site_job, crawl_site_job
from seology_pipeline.defs.maintenance import cleanup, usage_reset
from seology_pipeline.defs.partitions import sites_partitions
from seology_pipeline.defs.reports import export_report_job
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


@dg.sensor(
    jobs=[crawl_site_job, analyse_site_job, cleanup, usage_reset, export_report_job],
    minimum_interval_seconds=1,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Launches PENDING rows of the jobs table by priority then age; a bad payload "
    "fails its row with the reason.",
)
def pending_jobs(
    context: dg.SensorEvaluationContext, database: DatabaseResource
) -> dg.SensorResult | dg.SkipReason:
    requests: list[dg.RunRequest] = []
    sites: set[str] = set()
    failed = 0
    with database.session() as session:
        _follow_launched(context.instance, session)
        for job in jobs.claim_pending(session, jobs_per_tick()):
            try:
                launch = jobs.validate_row(session, job)
                requests.append(run_request(job, launch))
                if launch.site_id:
                    sites.add(launch.site_id)
            except jobs.PayloadError as exc:
                jobs.fail(session, job, str(exc))
                failed += 1
    if not requests:
        return dg.SkipReason(
            f"no pending jobs ({failed} rejected)" if failed else "no pending jobs"
        )
    registered = set(context.instance.get_dynamic_partitions(SITES_PARTITIONS))
    new_sites = sorted(sites - registered)
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[sites_partitions.build_add_request(new_sites)]
        if new_sites
        else [],
    )


def _write_back(context: dg.RunStatusSensorContext, database: DatabaseResource) -> None:
    outcome = run_outcome(context.instance, context.dagster_run)
    with database.session() as session:
        jobs.record_run(session, outcome)


def _status_sensor(status: dg.DagsterRunStatus, name: str) -> dg.SensorDefinition:
    @dg.run_status_sensor(
        run_status=status,
        name=name,
        minimum_interval_seconds=5,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Writes runs that reached {status.value} into the jobs table.",
    )
    def _sensor(context: dg.RunStatusSensorContext, database: DatabaseResource) -> None:
        _write_back(context, database)

    return _sensor


job_run_started = _status_sensor(dg.DagsterRunStatus.STARTED, "job_run_started")
job_run_succeeded = _status_sensor(dg.DagsterRunStatus.SUCCESS, "job_run_succeeded")
job_run_failed = _status_sensor(dg.DagsterRunStatus.FAILURE, "job_run_failed")
job_run_canceled = _status_sensor(dg.DagsterRunStatus.CANCELED, "job_run_canceled")

defs = dg.Definitions(
    sensors=[pending_jobs, job_run_started, job_run_succeeded, job_run_failed, job_run_canceled]
)
