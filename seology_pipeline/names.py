"""Names and bounds shared by every layer: one definition each, imported everywhere.

The Dagster names (code location, jobs, assets, partitions, tags) are what the CLI, the queue and
the web app use to find runs; the bounds are what every entry point (run config, queue, ``jobs``
table, CLI) accepts.
"""

from __future__ import annotations

from typing import Final

# --- Dagster names ---------------------------------------------------------------------------
CODE_LOCATION: Final = "seology_pipeline"
REPOSITORY_NAME: Final = "__repository__"
"""The repository of a code location built from one ``Definitions`` (GraphQL selectors)."""
SITES_PARTITIONS: Final = "sites"

CRAWLED_PAGES: Final = "crawled_pages"
SEO_ISSUES: Final = "seo_issues"
SITE_ANALYSIS: Final = "site_analysis"

CRAWL_JOB: Final = "crawl_site"
FIRST_CRAWL_JOB: Final = "first_crawl"
LOCAL_CRAWL_JOB: Final = "crawl_and_analyse"
ANALYSIS_JOB: Final = "analyse_site"
CLEANUP_JOB: Final = "cleanup"
ANALYSIS_BATCH_JOB: Final = "submit_analysis_batch"
USAGE_RESET_JOB: Final = "usage_reset"
EXPORT_REPORT_JOB: Final = "export_report"
USAGE_RESET_SCHEDULE: Final = "usage_reset_monthly"
FIRST_USAGE_MONTH: Final = "2024-01"
"""First partition (``YYYY-MM``) of ``usage_reset``."""

DEAD_CRAWLS_SENSOR: Final = "dead_crawls"

# --- Run tags --------------------------------------------------------------------------------
PRIORITY_TAG: Final = "dagster/priority"
CELERY_PRIORITY_TAG: Final = "dagster-celery/run_priority"
"""Celery task priority of a run launched by the Celery run launcher (0–10, higher first)."""
PARTITION_TAG: Final = "dagster/partition"
TRIGGER_TAG: Final = "seology/trigger"
USER_TAG: Final = "seology/user_id"
MONTH_TAG: Final = "seology/month"
SCHEDULE_NAME_TAG: Final = "dagster/schedule_name"

# Values of TRIGGER_TAG set by sensors (runs a person launches carry other values or none).
RECRAWL_TRIGGER: Final = "recrawl"
NEW_SITE_TRIGGER: Final = "new_site"
AUTOMATION_TRIGGER: Final = "automation"
MANUAL_TRIGGER: Final = "manual"
"""A run a person launched from the UI (the ``crawl_site`` job's own tag)."""

# --- Materialization metadata ---------------------------------------------------------------
ID_METADATA_KEYS: Final = frozenset({"crawl_id", "conversation_id", "conversationId"})
"""Metadata that are identifiers: emitted as text, so the UI does not plot them as numbers; job
results read them back as integers."""

# --- Run priorities (higher runs first) ------------------------------------------------------
# Manual launches (UI, CLI, queue) outrank sensor launches for new sites, which outrank scheduled
# re-crawls.
MANUAL_PRIORITIES: Final = {"high": 10, "normal": 0, "low": -5}
NEW_SITE_PRIORITY: Final = -10
DEFAULT_PRIORITY: Final = 0
"""Runs without a priority of their own (schedules, the automated analysis)."""
RECRAWL_PRIORITY: Final = -20
LOWEST_PRIORITY: Final = RECRAWL_PRIORITY
HIGHEST_PRIORITY: Final = MANUAL_PRIORITIES["high"]
CELERY_MAX_PRIORITY: Final = 10
"""RabbitMQ priority queues run 0–10, higher first (Redis brokers run them backwards)."""


def celery_priority(priority: int) -> int:
    """``priority`` (clamped to the project's range) spread over Celery's 0–10, order kept."""
    clamped = min(max(priority, LOWEST_PRIORITY), HIGHEST_PRIORITY)
    span = HIGHEST_PRIORITY - LOWEST_PRIORITY
    return round((clamped - LOWEST_PRIORITY) * CELERY_MAX_PRIORITY / span)


def priority_tags(priority: int) -> dict[str, str]:
    """The run tags that carry ``priority`` to Dagster's run queue and to Celery's broker."""
    return {PRIORITY_TAG: str(priority), CELERY_PRIORITY_TAG: str(celery_priority(priority))}


# --- Bounds ----------------------------------------------------------------------------------
MAX_PAGES: Final = 50_000
"""Pages one crawl may record at most, whatever the plan or the request says."""
MAX_SITE_ID_LENGTH: Final = 64
"""Site ids are at most this long (the ``site_connections.id`` column)."""
MIN_AGE_DAYS: Final = 1
MAX_AGE_DAYS: Final = 3650
"""Cleanup ages (days) accepted by every entry point: one day to ten years."""

# --- The ``jobs`` table (the web app's queue) ------------------------------------------------
REFUSED_TAG: Final = "seology/refused"
"""Run tag carrying a refusal (unknown site, wrong owner, quota, lease): the run changed no data,
so it ends without materializing (the assets keep their state in the lineage) and its job is
FAILED with this reason."""
JOB_ID_TAG: Final = "seology/job_id"
"""Run tag naming the ``jobs`` row a run belongs to (also the run key of the launch)."""
MAX_RETRIES_TAG: Final = "dagster/max_retries"
"""Dagster's per-run retry limit: a row's ``max_attempts`` minus one."""
MIN_JOB_PRIORITY: Final = -1000
MAX_JOB_PRIORITY: Final = 1000
MIN_ATTEMPTS: Final = 1
MAX_ATTEMPTS: Final = 10
CLEANUP_OP: Final = "clean_up"
USAGE_RESET_OP: Final = "reset_usage"
EXPORT_REPORT_OP: Final = "write_report"
RETRY_NUMBER_TAG: Final = "dagster/retry_number"
MAX_BATCH_REQUESTS: Final = 10_000
"""Analyses one Message Batch carries at most (the API allows 100,000 and 256 MB)."""
MAX_BATCH_RESULTS_PER_TICK: Final = 500
MAX_BATCH_FALLBACKS_PER_TICK: Final = 5
"""Batch results one sensor tick stores, and interactive retries (of errored or expired batch
requests) it makes at most; the rest wait for the next tick."""
