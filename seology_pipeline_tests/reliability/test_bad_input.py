"""Out-of-bounds run config is refused before any work: ages, page counts, booleans as numbers."""

from __future__ import annotations

import dagster as dg
import pytest
from pydantic import ValidationError

from seology_pipeline.definitions import defs
from seology_pipeline.defs.assets import CrawlConfig, crawl_site_job
from seology_pipeline.defs.maintenance import CleanupConfig, UsageResetConfig


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
