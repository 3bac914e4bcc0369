"""Out-of-bounds run config is refused before any work: ages, page counts, booleans as numbers,
enum values, months; by Dagster's schema before a run, or by the step at once in one line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dagster as dg
import pytest
from pydantic import ValidationError

from seology_pipeline.definitions import defs
from seology_pipeline.defs.assets import CrawlConfig, crawl_site_job
from seology_pipeline.defs.maintenance import CleanupConfig, UsageResetConfig
from seology_pipeline.defs.run_outcome import run_outcome
from seology_pipeline.names import (
    CLEANUP_JOB,
    CLEANUP_OP,
    CRAWL_JOB,
    MAX_AGE_DAYS,
    MAX_PAGES,
    SITES_PARTITIONS,
    USAGE_RESET_JOB,
    USAGE_RESET_OP,
)


@pytest.mark.parametrize("value", [True, 0, 50_001])
def test_crawl_max_pages_out_of_bounds_or_boolean_is_refused(value: object) -> None:
    with pytest.raises(ValidationError, match="max_pages"):
        CrawlConfig(max_pages=value)


def test_dagster_refuses_a_boolean_max_pages_in_run_config() -> None:
    config = {"ops": {"crawled_pages": {"config": {"max_pages": True}}}}
    with pytest.raises(dg.DagsterInvalidConfigError, match="max_pages"):
        dg.validate_run_config(defs.resolve_job_def(crawl_site_job.name), config)


@pytest.mark.parametrize("field", ["days_old", "completed_runs_days", "audit_log_days"])
@pytest.mark.parametrize("value", [10**6, 3651, 0, True])
def test_cleanup_ages_are_bounded(field: str, value: object) -> None:
    with pytest.raises(ValidationError, match=field):
        CleanupConfig(**{field: value})
    assert getattr(CleanupConfig(**{field: 3650}), field) == 3650


def test_usage_reset_force_must_be_a_boolean() -> None:
    with pytest.raises(ValidationError, match="force"):
        UsageResetConfig(month="2026-11", force="yes")
    assert UsageResetConfig(month="2026-11").force is False


# Both ways a bad value is refused at launch: Dagster's schema (types, enums, unknown fields)
# before any run exists; the class's bounds (that the schema cannot express) by a step failing at
# once, unretried, with one line naming the field.
SCHEMA_REFUSED = [
    (CRAWL_JOB, None, {"ops": {"crawled_pages": {"config": {"max_pages": "many"}}}}, "max_pages"),
    (CRAWL_JOB, None, {"ops": {"crawled_pages": {"config": {"pages": 5}}}}, "pages"),
    (
        CRAWL_JOB,
        None,
        {"resources": {"crawler": {"config": {"render_mode": "sometimes"}}}},
        "render_mode",
    ),
    (CLEANUP_JOB, None, {"ops": {CLEANUP_OP: {"config": {"days_old": "old"}}}}, "days_old"),
    (CLEANUP_JOB, None, {"ops": {CLEANUP_OP: {"config": {"dry_run": "yes"}}}}, "dry_run"),
    (USAGE_RESET_JOB, "2025-01", {"ops": {USAGE_RESET_OP: {"config": {"force": 1}}}}, "force"),
]
BOUND_REFUSED = [
    (CRAWL_JOB, {"ops": {"crawled_pages": {"config": {"max_pages": 0}}}}, "max_pages"),
    (CRAWL_JOB, {"ops": {"crawled_pages": {"config": {"max_pages": MAX_PAGES + 1}}}}, "max_pages"),
    (CLEANUP_JOB, {"ops": {CLEANUP_OP: {"config": {"days_old": 0}}}}, "days_old"),
    (
        CLEANUP_JOB,
        {"ops": {CLEANUP_OP: {"config": {"audit_log_days": MAX_AGE_DAYS + 1}}}},
        "audit_log_days",
    ),
    (USAGE_RESET_JOB, {"ops": {USAGE_RESET_OP: {"config": {"month": "2025-13"}}}}, "month"),
]


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as test_instance:
        test_instance.add_dynamic_partitions(SITES_PARTITIONS, ["site-1"])
        yield test_instance


@pytest.mark.parametrize(("job", "partition", "run_config", "field"), SCHEMA_REFUSED)
def test_the_schema_refuses_bad_config_before_any_run(
    instance: dg.DagsterInstance,
    job: str,
    partition: str | None,
    run_config: dict[str, Any],
    field: str,
) -> None:
    key = "site-1" if job == CRAWL_JOB else partition
    with pytest.raises(dg.DagsterInvalidConfigError, match=field):
        defs.resolve_job_def(job).execute_in_process(
            run_config=run_config, instance=instance, partition_key=key
        )
    assert instance.get_runs_count() == 0


@pytest.mark.parametrize(("job", "run_config", "field"), BOUND_REFUSED)
def test_a_value_out_of_bounds_fails_the_run_with_one_line(
    instance: dg.DagsterInstance, job: str, run_config: dict[str, Any], field: str
) -> None:
    result = defs.resolve_job_def(job).execute_in_process(
        run_config=run_config,
        instance=instance,
        partition_key="site-1" if job == CRAWL_JOB else None,
        raise_on_error=False,
    )
    assert not result.success
    events = [event.event_type for event in result.all_events]
    assert dg.DagsterEventType.STEP_UP_FOR_RETRY not in events
    [failure] = [event for event in result.all_events if event.is_step_failure]
    description = failure.step_failure_data.user_failure_data.description
    assert description.startswith(f"bad run config: {field}: "), description
    assert "\n" not in description and "validation error" not in description
    error = run_outcome(instance, result.dagster_run).error
    assert error == description
