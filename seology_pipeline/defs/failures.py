"""A site's failed or refused run reaches people: the owner's notice and, after a streak of
failures, the admins' alert. Used by the `job_runs` sensor and by a refused step itself."""

from typing import Any

import dagster as dg

from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.settings import alert_webhook_url
from seology_pipeline.names import PARTITION_TAG, REFUSED_TAG
from seology_pipeline.runs.notify import (
    ALERT_AFTER_FAILURES,
    failure_streak,
    notify_run_failure,
    post_alert,
)

FINISHED = [
    dg.DagsterRunStatus.SUCCESS,
    dg.DagsterRunStatus.FAILURE,
    dg.DagsterRunStatus.CANCELED,
]


def _failed(run: dg.DagsterRun) -> bool:
    """A failed run, or a refused one (it ends without materializing, its job FAILED)."""
    return run.status == dg.DagsterRunStatus.FAILURE or REFUSED_TAG in run.tags


def earlier_failures(instance: dg.DagsterInstance, run: dg.DagsterRun) -> list[bool]:
    """Whether each finished run of ``run``'s site before it failed (or was refused), newest
    first."""
    runs = instance.get_runs(
        dg.RunsFilter(tags={PARTITION_TAG: run.tags.get(PARTITION_TAG, "")}, statuses=FINISHED),
        limit=ALERT_AFTER_FAILURES + 1,
    )
    return [_failed(other) for other in runs if other.run_id != run.run_id]


def report_failure(
    instance: dg.DagsterInstance,
    database: DatabaseResource,
    log: Any,
    run: dg.DagsterRun,
    reason: str,
) -> None:
    """Tell the site's owner about ``run`` (a failure, unless its refusal already did) and alert
    admins when it makes ``ALERT_AFTER_FAILURES`` failures of its site in a row."""
    site_id = run.tags.get(PARTITION_TAG)
    if site_id is None:
        return
    with database.session() as session:
        alert = notify_run_failure(
            session,
            site_id=site_id,
            run_id=run.run_id,
            job_name=run.job_name,
            reason=reason,
            streak=failure_streak([True, *earlier_failures(instance, run)]),
        )
    if alert is None:
        return
    log.error(f"ALERT {alert.title}: {alert.reason}")
    url = alert_webhook_url()
    error = post_alert(url, alert) if url else None
    if error:
        log.error(f"alert webhook failed: {error}")
