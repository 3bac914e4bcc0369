"""Names and bounds shared by every layer: one definition each, imported everywhere.

The Dagster names (code location, jobs, assets, partitions, tags) are what the CLI, the queue and
the web app use to find runs; the bounds are what every entry point (run config, queue, ``jobs``
table, CLI) accepts.
"""

from __future__ import annotations

from typing import Final

# --- Dagster names ---------------------------------------------------------------------------
CODE_LOCATION: Final = "seology_pipeline"
SITES_PARTITIONS: Final = "sites"

CRAWLED_PAGES: Final = "crawled_pages"
SEO_ISSUES: Final = "seo_issues"
SITE_ANALYSIS: Final = "site_analysis"

CRAWL_JOB: Final = "crawl_site"
ANALYSIS_JOB: Final = "analyse_site"
CLEANUP_JOB: Final = "cleanup"
ANALYSIS_BATCH_JOB: Final = "submit_analysis_batch"
USAGE_RESET_JOB: Final = "usage_reset"

# --- Run tags --------------------------------------------------------------------------------
PRIORITY_TAG: Final = "dagster/priority"
PARTITION_TAG: Final = "dagster/partition"
TRIGGER_TAG: Final = "seology/trigger"
USER_TAG: Final = "seology/user_id"
MONTH_TAG: Final = "seology/month"

# Values of TRIGGER_TAG set by sensors (runs a person launches carry other values or none).
RECRAWL_TRIGGER: Final = "recrawl"
NEW_SITE_TRIGGER: Final = "new_site"
AUTOMATION_TRIGGER: Final = "automation"

# --- Run priorities (higher runs first) ------------------------------------------------------
# Manual launches (UI, CLI, queue) outrank sensor launches for new sites, which outrank scheduled
# re-crawls.
MANUAL_PRIORITIES: Final = {"high": 10, "normal": 0, "low": -5}
NEW_SITE_PRIORITY: Final = -10
RECRAWL_PRIORITY: Final = -20

# --- Bounds ----------------------------------------------------------------------------------
MAX_PAGES: Final = 50_000
"""Pages one crawl may record at most, whatever the plan or the request says."""
MIN_AGE_DAYS: Final = 1
MAX_AGE_DAYS: Final = 3650
"""Cleanup ages (days) accepted by every entry point: one day to ten years."""
MAX_BATCH_REQUESTS: Final = 10_000
"""Analyses one Message Batch carries at most (the API allows 100,000 and 256 MB)."""
MAX_BATCH_RESULTS_PER_TICK: Final = 500
MAX_BATCH_FALLBACKS_PER_TICK: Final = 5
"""Batch results one sensor tick stores, and interactive retries (of errored or expired batch
requests) it makes at most; the rest wait for the next tick."""
