"""One reading of a Dagster run as a job: its state, result fields, root-cause error, attempts and
times. The CLI, the in-process runner and the ``jobs`` sensors all use :func:`run_outcome`."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from seology_pipeline.defs.metadata import plain_value
from seology_pipeline.jobs import (
    JOB_NAMES,
    JobState,
    JobType,
    RunOutcome,
    job_state,
    result_fields,
)
from seology_pipeline.names import (
    CRAWLED_PAGES,
    JOB_ID_TAG,
    LOCAL_CRAWL_JOB,
    MAX_RETRIES_TAG,
    MONTH_TAG,
    PARTITION_TAG,
    PRIORITY_TAG,
    REFUSED_TAG,
    RETRY_NUMBER_TAG,
    SITE_ANALYSIS,
    USER_TAG,
)

JOB_TYPES = {name: kind for kind, name in JOB_NAMES.items()} | {
    LOCAL_CRAWL_JOB: JobType.CRAWL_SITE  # ``seology crawl``'s run: a crawl, then its analysis
}
RESULT_EVENTS = {
    dg.DagsterEventType.ASSET_MATERIALIZATION,
    dg.DagsterEventType.STEP_OUTPUT,
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.RUN_FAILURE,
}
_EXCEPTION_PREFIX = re.compile(r"^(?:[\w.]+\.)?(?:Failure|\w+Error|\w+Exception):\s*")


def job_type(run: dg.DagsterRun) -> str:
    """The job type of a run: its job's, or for an asset run (UI, automation) its assets'."""
    if run.job_name in JOB_TYPES:
        return JOB_TYPES[run.job_name].value
    assets = {key.to_user_string() for key in run.asset_selection or ()}
    if CRAWLED_PAGES in assets:
        return JobType.CRAWL_SITE.value
    if SITE_ANALYSIS in assets:
        return JobType.ANALYZE_ISSUES.value
    return run.job_name.strip("_").upper()[:32]


def one_line(message: str | None) -> str | None:
    """The first line of an error message without its exception class prefix."""
    text = (message or "").strip()
    first = text.splitlines()[0] if text else ""
    return _EXCEPTION_PREFIX.sub("", first) or None


def root_cause(error: Any) -> str | None:
    """The message of a step error, under Dagster's own wrappers (``Error occurred while …``)."""
    while error.cause is not None and error.cls_name.startswith("Dagster"):
        error = error.cause
    return one_line(error.message)


def _when(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp else None


def _values(metadata: Any) -> dict[str, Any]:
    """Metadata as plain values, without Markdown (UI summaries)."""
    return {
        key: plain_value(key, value)
        for key, value in (metadata or {}).items()
        if not isinstance(value, dg.MarkdownMetadataValue)
    }


def _result_and_error(
    instance: dg.DagsterInstance, run_id: str
) -> tuple[dict[str, Any], str | None]:
    values: dict[str, Any] = {}
    step_error = run_error = None
    for entry in instance.all_logs(run_id, of_type=RESULT_EVENTS):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            values |= _values(event.step_materialization_data.materialization.metadata)
        elif event.event_type == dg.DagsterEventType.STEP_OUTPUT:
            values |= _values(event.step_output_data.metadata)
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE and step_error is None:
            data = event.step_failure_data
            if data.user_failure_data is not None and data.user_failure_data.description:
                step_error = one_line(data.user_failure_data.description)  # a dg.Failure's text
            elif data.error is not None:
                step_error = root_cause(data.error)
        else:
            run_error = one_line(entry.message)
    return values, step_error or run_error


def run_outcome(instance: dg.DagsterInstance, run: dg.DagsterRun) -> RunOutcome:
    """``run`` as its job sees it. A failed run that Dagster will retry is still PROCESSING; a
    refused run (it ends without materializing, see ``REFUSED_TAG``) is FAILED with the refusal."""
    record = instance.get_run_record_by_id(run.run_id)
    run = record.dagster_run if record else run  # tags added while it ran (a refusal) included
    state = job_state(run.status.value)
    tags = run.tags
    values: dict[str, Any] = {}
    error = None
    if state in (JobState.COMPLETED, JobState.FAILED, JobState.CANCELED):
        values, error = _result_and_error(instance, run.run_id)
    if state == JobState.COMPLETED and REFUSED_TAG in tags:
        state, error = JobState.FAILED, tags[REFUSED_TAG]
    if state == JobState.CANCELED:
        error = error or "the run was canceled"
    if state == JobState.FAILED:
        error = error or "the run failed"
        if run.is_complete_and_waiting_to_retry:
            state = JobState.PROCESSING
    retries = tags.get(MAX_RETRIES_TAG)
    if retries is None:
        retries = instance.run_retries_max_retries if instance.run_retries_enabled else 0
    payload = {
        key: tags[tag]
        for key, tag in (("siteId", PARTITION_TAG), ("userId", USER_TAG), ("month", MONTH_TAG))
        if tag in tags
    }
    finished = state in (JobState.COMPLETED, JobState.FAILED, JobState.CANCELED)
    return RunOutcome(
        run_id=run.run_id,
        job_type=job_type(run),
        state=state,
        job_id=tags.get(JOB_ID_TAG),
        payload=payload,
        site_id=tags.get(PARTITION_TAG),
        priority=int(tags.get(PRIORITY_TAG, 0)),
        result=result_fields(values, success=state == JobState.COMPLETED) if finished else None,
        error=error,
        attempts=int(tags.get(RETRY_NUMBER_TAG, 0)) + 1,
        max_attempts=int(retries) + 1,
        created_at=_when(record.create_timestamp.timestamp()) if record else None,
        started_at=_when(record.start_time) if record else None,
        completed_at=_when(record.end_time) if record and finished else None,
    )
