"""The ``dead_crawls`` sensor: crawls left running by a dead run are failed and their rows removed.

The domain reaper (:mod:`seology_pipeline.runs.reaper`) decides; this layer only tells it which
runs have ended, from the Dagster run status.
"""

from datetime import UTC, datetime, timedelta

import dagster as dg

from seology_pipeline.db.models import utcnow
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.names import DEAD_CRAWLS_SENSOR, MAX_RETRIES_TAG
from seology_pipeline.runs.reaper import RunAlive, reap_dead_crawls
from seology_pipeline.settings import crawl_stale_after


def run_alive(instance: dg.DagsterInstance) -> RunAlive:
    """``False`` for a run known to have ended or being canceled (its crawl must stop, and may
    be reaped); ``None`` for a run this instance does not know."""

    def alive(run_id: str) -> bool | None:
        run = instance.get_run_by_id(run_id)
        if run is None:
            return None
        return not (run.is_finished or run.status == dg.DagsterRunStatus.CANCELING)

    return alive


def fail_abandoned_run(
    instance: dg.DagsterInstance,
    run: dg.DagsterRun,
    last_beat: datetime | None,
    *,
    now: datetime,
    stale_after: timedelta,
) -> bool:
    """Fail ``run`` if its process is gone: started, yet no event in its log and no heartbeat of
    its crawl (``last_beat``) for ``stale_after``. A ``seology crawl`` killed mid-run leaves such
    a run, and nothing else would end it. True if it was failed."""
    if run.status not in (dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED):
        return False
    moments = [
        record.event_log_entry.timestamp
        for record in instance.get_records_for_run(run.run_id, limit=1, ascending=False).records
    ]
    if last_beat is not None:  # stored naive (UTC) on SQLite
        moments.append(last_beat.replace(tzinfo=last_beat.tzinfo or UTC).timestamp())
    if not moments or now.timestamp() - max(moments) < stale_after.total_seconds():
        return False  # nothing to judge by, or active lately
    # Not retried: whoever found it dead is about to crawl the site again.
    instance.add_run_tags(run.run_id, {MAX_RETRIES_TAG: "0"})
    instance.report_run_failed(
        run, f"its process ended without ending the run: no activity for {stale_after}"
    )
    return True


@dg.sensor(
    name=DEAD_CRAWLS_SENSOR,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Fails crawls whose run has ended or is being canceled, or whose heartbeat is"
    " stale; drops their rows.",
)
def dead_crawls(context: dg.SensorEvaluationContext, database: DatabaseResource) -> dg.SkipReason:
    reaped = reap_dead_crawls(
        database.engine,
        now=utcnow(),
        stale_after=crawl_stale_after(),
        run_alive=run_alive(context.instance),
    )
    for crawl in reaped:
        context.log.warning(f"reaped crawl {crawl.crawl_id} of {crawl.site_id}: {crawl.reason}")
    return dg.SkipReason(f"reaped {len(reaped)} dead crawl(s)")
