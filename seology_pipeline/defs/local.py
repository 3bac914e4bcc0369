"""Run the site jobs in this process on the local Dagster instance (no webserver, no daemon).

Used by ``seology crawl`` without ``SEOLOGY_DAGSTER_URL`` and by ``seology demo``: the runs are
ordinary Dagster runs on ``DAGSTER_HOME``'s instance, so the UI shows them afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from seology_pipeline.names import (
    MANUAL_PRIORITIES,
    SITES_PARTITIONS,
    TRIGGER_TAG,
    priority_tags,
)


@dataclass(frozen=True, slots=True)
class LocalRun:
    """A finished in-process run: its id, success, error and each asset's metadata."""

    run_id: str
    success: bool
    error: str | None = None
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)


def _metadata_value(value: Any) -> Any:
    return getattr(value, "value", value)


def run_site_job(
    instance: dg.DagsterInstance,
    job_name: str,
    site_id: str,
    *,
    run_config: dict[str, Any] | None = None,
    trigger: str = "cli",
) -> LocalRun:
    """Register ``site_id`` as a partition if needed and run ``job_name`` for it here."""
    from seology_pipeline.definitions import defs

    if not instance.has_dynamic_partition(SITES_PARTITIONS, site_id):
        instance.add_dynamic_partitions(SITES_PARTITIONS, [site_id])
    job = defs.resolve_job_def(job_name)
    result = job.execute_in_process(
        instance=instance,
        partition_key=site_id,
        run_config=run_config or {},
        tags={**priority_tags(MANUAL_PRIORITIES["normal"]), TRIGGER_TAG: trigger},
        raise_on_error=False,
    )
    metadata = {
        event.asset_key.to_user_string(): {
            key: _metadata_value(value)
            for key, value in event.step_materialization_data.materialization.metadata.items()
        }
        for event in result.get_asset_materialization_events()
    }
    error = None
    if not result.success:
        failures = [e for e in result.all_events if e.is_step_failure]
        if failures and failures[0].step_failure_data.error:
            info = failures[0].step_failure_data.error
            error = (info.cause or info).message.strip()
        else:
            error = "the run failed"
    return LocalRun(result.run_id, result.success, error, metadata)
