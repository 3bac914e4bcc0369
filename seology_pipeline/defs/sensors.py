"""Sensors that keep the ``sites`` partitions and their crawls in step with the app database."""

import json
from datetime import datetime

import dagster as dg

from seology_pipeline.db.models import utcnow
from seology_pipeline.defs.assets import crawl_site_job, first_crawl_job, site_analysis
from seology_pipeline.defs.failures import report_failure
from seology_pipeline.defs.partitions import sites_partitions
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.run_outcome import run_outcome
from seology_pipeline.defs.settings import sensor_max_sites_per_tick
from seology_pipeline.names import (
    DEFAULT_PRIORITY,
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
    """The ``new_site_connections`` cursor after the site ``site_id`` created at ``created_at``."""
    return json.dumps({"created_at": created_at.isoformat(), "site_id": site_id})


# The daemon evaluates sensors in a loop of 5 s at best; a minimum interval equal to the loop
# skips every other pass (10 s), a shorter one lets every pass evaluate this cheap cursor query.
@dg.sensor(
    job=first_crawl_job,
    minimum_interval_seconds=1,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Registers each new site connection as a partition and requests its first crawl, audit"
        " and analysis in one run."
    ),
)
def new_site_connections(
    context: dg.SensorEvaluationContext, database: DatabaseResource
) -> dg.SensorResult | dg.SkipReason:
    with database.session() as session:
        rows = new_active_sites(
            session, _decode_cursor(context.cursor), sensor_max_sites_per_tick()
        )
    if not rows:
        return dg.SkipReason("no new site connections")
    # A site someone already registered (a CLI crawl, the queue client) needs no first crawl.
    registered = set(context.instance.get_dynamic_partitions(SITES_PARTITIONS))
    keys = [site_id for site_id, _ in rows if site_id not in registered]
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"first-crawl:{key}",
                partition_key=key,
                tags={**priority_tags(NEW_SITE_PRIORITY), TRIGGER_TAG: "new_site"},
            )
            for key in keys
        ],
        dynamic_partitions_requests=[sites_partitions.build_add_request(keys)] if keys else [],
        cursor=encode_site_cursor(*rows[-1]),
    )


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


@dg.sensor(
    minimum_interval_seconds=60,
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


@dg.run_failure_sensor(
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=10,
    description="Tells the owner when a site's run fails; alerts admins after 3 in a row.",
)
def site_run_failures(context: dg.RunFailureSensorContext, database: DatabaseResource) -> None:
    run = context.dagster_run
    reason = run_outcome(context.instance, run).error or "the run failed"
    report_failure(context.instance, database, context.log, run, reason)


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
