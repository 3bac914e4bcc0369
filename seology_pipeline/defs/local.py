"""Run the site jobs in this process on the local Dagster instance (no webserver, no daemon).

Used by ``seology crawl`` without ``SEOLOGY_DAGSTER_URL``, by ``seology demo`` and by the upkeep
commands: the runs are ordinary Dagster runs on ``DAGSTER_HOME``'s instance, so the UI shows them
afterwards. Each job is taken from the definitions of its own area with the shared resources, not
from the whole code location: a crawl does not load the definitions of the reports (and Jinja),
of the app's queue or of the Claude batches, which it never runs.
"""

from __future__ import annotations

from typing import Any

import dagster as dg

from seology_pipeline.defs import core, maintenance, pipeline
from seology_pipeline.defs.run_outcome import run_outcome
from seology_pipeline.jobs import RunOutcome
from seology_pipeline.names import MANUAL_PRIORITIES, SITES_PARTITIONS, TRIGGER_TAG, priority_tags

SITE_DEFS = dg.Definitions.merge(core.defs, pipeline.defs)
UPKEEP_DEFS = dg.Definitions.merge(core.defs, maintenance.defs)


def run_site_job(
    instance: dg.DagsterInstance,
    job_name: str,
    site_id: str,
    *,
    run_config: dict[str, Any] | None = None,
    trigger: str = "cli",
) -> RunOutcome:
    """Register ``site_id`` as a partition if needed and run ``job_name`` for it here."""
    if not instance.has_dynamic_partition(SITES_PARTITIONS, site_id):
        instance.add_dynamic_partitions(SITES_PARTITIONS, [site_id])
    result = SITE_DEFS.resolve_job_def(job_name).execute_in_process(
        instance=instance,
        partition_key=site_id,
        run_config=run_config or {},
        tags={**priority_tags(MANUAL_PRIORITIES["normal"]), TRIGGER_TAG: trigger},
        raise_on_error=False,
    )
    return run_outcome(instance, result.dagster_run)


def run_job(
    instance: dg.DagsterInstance,
    job_name: str,
    *,
    run_config: dict[str, Any] | None = None,
    tags: dict[str, str] | None = None,
    partition_key: str | None = None,
) -> RunOutcome:
    """Run an upkeep job (``cleanup``; ``usage_reset`` for its month's partition) here; its
    outcome as a job."""
    result = UPKEEP_DEFS.resolve_job_def(job_name).execute_in_process(
        instance=instance,
        partition_key=partition_key,
        run_config=run_config or {},
        tags={**priority_tags(MANUAL_PRIORITIES["normal"]), TRIGGER_TAG: "cli"} | (tags or {}),
        raise_on_error=False,
    )
    return run_outcome(instance, result.dagster_run)
