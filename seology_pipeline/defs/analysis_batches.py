"""Analyses through Message Batches: the submit job (and its schedule) and the results sensor.

``site_analysis`` queues the analyses nobody waits for (see ``SEOLOGY_ANALYSIS_BATCH``); the
``submit_analysis_batch`` job sends every queued one in a single batch; the
``analysis_batch_results`` sensor polls the open batches and records each site's
``site_analysis`` materialization, with the analysis metadata, when its result is stored.
"""

import dagster as dg

from seology_pipeline.analysis.batching import collect_results, queued_count, submit_queued
from seology_pipeline.db.models import utcnow
from seology_pipeline.defs.claude import ClaudeResource, analysis_metadata
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.names import (
    ANALYSIS_BATCH_JOB,
    MAX_BATCH_FALLBACKS_PER_TICK,
    MAX_BATCH_REQUESTS,
    MAX_BATCH_RESULTS_PER_TICK,
    SITE_ANALYSIS,
    SITES_PARTITIONS,
)


@dg.op(retry_policy=dg.RetryPolicy(max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL))
def submit_queued_analyses(
    context: dg.OpExecutionContext, database: DatabaseResource, claude: ClaudeResource
) -> dg.Output[str]:
    """Fit every queued analysis and send them in one Message Batch (none queued: no batch)."""
    settings = claude.settings()
    client = claude.client()
    if client is None:
        raise dg.Failure("queued batch analyses need Claude; set ANTHROPIC_API_KEY")
    with database.session() as session:
        outcome = submit_queued(session, settings, client, utcnow(), MAX_BATCH_REQUESTS)
    context.log.info(
        f"batch {outcome.batch_id or '(none)'}: {outcome.submitted} submitted, "
        f"{outcome.reused} already analysed, {outcome.refused} refused"
    )
    return dg.Output(
        outcome.batch_id or "",
        metadata={
            "batch_id": outcome.batch_id or "",
            "submitted": outcome.submitted,
            "reused": outcome.reused,
            "refused": outcome.refused,
        },
    )


@dg.job(name=ANALYSIS_BATCH_JOB, executor_def=dg.in_process_executor)
def submit_analysis_batch_job() -> None:
    """Send the queued analyses to Claude in one Message Batch."""
    submit_queued_analyses()


@dg.schedule(
    job=submit_analysis_batch_job,
    cron_schedule="*/10 * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every 10 minutes, sends the queued analyses in one batch (skips when none).",
)
def analysis_batch_schedule(
    context: dg.ScheduleEvaluationContext, database: DatabaseResource
) -> dg.RunRequest | dg.SkipReason:
    with database.session() as session:
        queued = queued_count(session)
    if not queued:
        return dg.SkipReason("no analysis queued for a batch")
    return dg.RunRequest(run_key=f"analysis-batch:{context.scheduled_execution_time.isoformat()}")


@dg.sensor(
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Polls open analysis batches; records site_analysis as each result is stored.",
)
def analysis_batch_results(
    context: dg.SensorEvaluationContext, database: DatabaseResource, claude: ClaudeResource
) -> dg.SensorResult | dg.SkipReason:
    client = claude.client()
    if client is None:
        return dg.SkipReason("Claude is not configured; no batch to poll")
    with database.session() as session:
        stored = collect_results(
            session,
            claude.settings(),
            client,
            utcnow(),
            limit=MAX_BATCH_RESULTS_PER_TICK,
            fallback_limit=MAX_BATCH_FALLBACKS_PER_TICK,
        )
    registered = set(context.instance.get_dynamic_partitions(SITES_PARTITIONS))
    events = [
        dg.AssetMaterialization(
            asset_key=SITE_ANALYSIS,
            partition=analysis.site_id,
            metadata=analysis_metadata(analysis.outcome)
            | {"batch_id": analysis.batch_id, "batch_result": analysis.result},
        )
        for analysis in stored
        if analysis.site_id in registered
    ]
    if not events:
        return dg.SkipReason("no batch result yet")
    context.log.info(f"stored {len(events)} analyses from batches")
    return dg.SensorResult(asset_events=events)


defs = dg.Definitions(
    jobs=[submit_analysis_batch_job],
    schedules=[analysis_batch_schedule],
    sensors=[analysis_batch_results],
)
