"""Sensors that keep the ``sites`` partitions and their crawls in step with the app database."""

import json
from datetime import datetime

import dagster as dg

from seology_pipeline.db.models import utcnow
from seology_pipeline.defs.assets import crawl_site_job, site_analysis
from seology_pipeline.defs.partitions import sites_partitions
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.settings import sensor_max_sites_per_tick
from seology_pipeline.names import (
    DEFAULT_PRIORITY,
    FIRST_CRAWL_JOB,
    NEW_SITE_PRIORITY,
    PARTITION_TAG,
    RECRAWL_PRIORITY,
    SITES_PARTITIONS,
    TRIGGER_TAG,
    priority_tags,
)
from seology_pipeline.runs.registry import (
    SiteCursor,
    inactive_or_missing,
    new_active_sites,
    sites_due_for_recrawl,
)

IN_PROGRESS = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def _decode_cursor(raw: str | None) -> SiteCursor | None:
    if not raw:
        return None
    data = json.loads(raw)
    return SiteCursor(datetime.fromisoformat(data["created_at"]), data["site_id"])


def encode_site_cursor(site_id: str, created_at: datetime) -> str:
    """The ``app_requests`` cursor after the site ``site_id`` created at ``created_at``."""
    return json.dumps({"created_at": created_at.isoformat(), "site_id": site_id})


def first_crawl_requests(
    instance: dg.DagsterInstance, database: DatabaseResource, cursor: str | None
) -> tuple[list[dg.RunRequest], list[str], str | None]:
    """The first runs (crawl, audit and analysis) of the site connections created after
    ``cursor``, bounded per tick: the run requests, the partitions to add and the next cursor."""
    with database.session() as session:
        rows = new_active_sites(session, _decode_cursor(cursor), sensor_max_sites_per_tick())
    if not rows:
        return [], [], cursor
    # A site someone already registered (a CLI crawl, the queue client) needs no first crawl.
    registered = set(instance.get_dynamic_partitions(SITES_PARTITIONS))
    keys = [site_id for site_id, _ in rows if site_id not in registered]
    requests = [
        dg.RunRequest(
            run_key=f"first-crawl:{key}",
            job_name=FIRST_CRAWL_JOB,
            partition_key=key,
            tags={**priority_tags(NEW_SITE_PRIORITY), TRIGGER_TAG: "new_site"},
        )
        for key in keys
    ]
    return requests, keys, encode_site_cursor(*rows[-1])


def _busy_partitions(instance: dg.DagsterInstance) -> set[str]:
    runs = instance.get_runs(dg.RunsFilter(statuses=IN_PROGRESS), limit=10_000)
    return {run.tags[PARTITION_TAG] for run in runs if PARTITION_TAG in run.tags}


@dg.sensor(
    job=crawl_site_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests re-crawls of sites whose crawl frequency says one is due.",
)
def due_recrawls(
    context: dg.SensorEvaluationContext, database: DatabaseResource
) -> dg.SensorResult | dg.SkipReason:
    registered = set(context.instance.get_dynamic_partitions(SITES_PARTITIONS))
    busy = _busy_partitions(context.instance)
    with database.session() as session:
        due = sites_due_for_recrawl(session, utcnow(), sensor_max_sites_per_tick(), skip=busy)
    due = [(site_id, last) for site_id, last in due if site_id in registered]
    if not due:
        return dg.SkipReason("no re-crawl due")
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"recrawl:{site_id}:{last.isoformat()}",
                partition_key=site_id,
                tags={**priority_tags(RECRAWL_PRIORITY), TRIGGER_TAG: "recrawl"},
            )
            for site_id, last in due
        ]
    )


# Each tick reads every partition (about 0.7 s at 10,000 sites); a removed site's partition
# launches nothing meanwhile (re-crawls start from active connections), so every 5 minutes.
@dg.sensor(
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Removes the partitions of deleted or deactivated site connections.",
)
def removed_site_connections(
    context: dg.SensorEvaluationContext, database: DatabaseResource
) -> dg.SensorResult | dg.SkipReason:
    keys = context.instance.get_dynamic_partitions(SITES_PARTITIONS)
    with database.session() as session:
        gone = sorted(inactive_or_missing(session, keys))[: sensor_max_sites_per_tick()]
    if not gone:
        return dg.SkipReason("no removed site connections")
    context.log.info(f"removing partitions of {len(gone)} sites: {', '.join(gone[:20])}")
    return dg.SensorResult(
        dynamic_partitions_requests=[sites_partitions.build_delete_request(gone)]
    )


# Each tick evaluates the condition over every site's partition (about 0.5 CPU s at 10,000
# sites, in the daemon): every 30 s keeps an idle daemon light. Only re-crawls wait for it (a new
# site's first run analyses it), and those are scheduled days apart.
site_analysis_automation = dg.AutomationConditionSensorDefinition(
    "site_analysis_automation",
    target=dg.AssetSelection.assets(site_analysis),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    emit_backfills=False,
    run_tags={**priority_tags(DEFAULT_PRIORITY), TRIGGER_TAG: "automation"},
    description="Runs each site's analysis after its issues change.",
)
