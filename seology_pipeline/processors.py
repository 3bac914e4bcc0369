"""Every job type's work as one plain function: what its run does, without Dagster.

The old job system let operators "test a processor directly"; these are this project's
processors, for a Python shell, a debugger or a profiler. Each reads the same settings and the
same app database as the pipeline (``SEOLOGY_DATABASE_URL``, or ``engine``), does what the job's
run does through the same domain calls, and returns the job's result fields. A refusal raises
the exception the run fails with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from seology_pipeline.accounts import month_key
from seology_pipeline.analysis.analyst import analyse_site
from seology_pipeline.analysis.claude_api import make_client
from seology_pipeline.db.engine import make_engine, session_scope
from seology_pipeline.db.models import utcnow
from seology_pipeline.maintenance.cleanup import CleanupPolicy, clean_up
from seology_pipeline.maintenance.timing import schedule_timezone
from seology_pipeline.maintenance.usage import check_month_resettable, reset_usage
from seology_pipeline.report.export import export_report
from seology_pipeline.runs.audit_run import NoCrawlError
from seology_pipeline.runs.crawl_run import current_crawl, plan_crawl
from seology_pipeline.runs.site_run import crawl_and_audit, site_crawl_settings
from seology_pipeline.settings import data_dir, load_settings


def run_crawl_job(
    site_id: str,
    user_id: str | None = None,
    max_pages: int | None = None,
    *,
    engine: Engine | None = None,
) -> dict[str, Any]:
    """``CRAWL_SITE``: crawl the site and audit it, as ``crawled_pages`` does."""
    engine = engine or make_engine()
    month = month_key(utcnow())
    with session_scope(engine) as session:
        plan = plan_crawl(session, site_id, max_pages=max_pages, user_id=user_id, month=month)
    settings = site_crawl_settings(plan.root_url, plan.max_pages, plan.site_settings)
    outcome = crawl_and_audit(engine, plan, settings, month=month, run_id=None)
    return {
        "success": True,
        "pagesAnalyzed": outcome.crawl.pages,
        "issuesFound": outcome.audit.issues_found,
        "health_score": outcome.audit.health_score,
        "crawl_id": outcome.crawl.crawl_id,
    }


def run_analysis_job(
    site_id: str, user_id: str | None = None, *, engine: Engine | None = None
) -> dict[str, Any]:
    """``ANALYZE_ISSUES``: analyse the site's current crawl, as ``site_analysis`` does.

    ``user_id``, when given, must own the site (as the job's payload).
    """
    engine = engine or make_engine()
    settings = load_settings().analysis_settings()
    client = make_client(settings)
    try:
        with session_scope(engine) as session:
            crawl = current_crawl(session, site_id)
            if crawl is None:
                raise NoCrawlError(f"site {site_id!r} has no crawl to analyse")
            if user_id is not None and crawl.site.user_id != user_id:
                raise PermissionError(f"user {user_id!r} does not own site {site_id!r}")
            outcome = analyse_site(session, site_id, crawl.id, settings, client, utcnow())
    finally:
        if client is not None:
            client.close()
    return {"success": True, **outcome.metadata()}


def run_cleanup_job(
    days_old: int = 90,
    *,
    completed_runs_days: int = 30,
    audit_log_days: int = 365,
    dry_run: bool = False,
    engine: Engine | None = None,
) -> dict[str, Any]:
    """``CLEANUP``: the app database's part of the daily cleanup (Dagster's own run history is
    the ``cleanup`` job's, which has the instance)."""
    policy = CleanupPolicy(
        days_old=days_old,
        completed_runs_days=completed_runs_days,
        audit_log_days=audit_log_days,
        dry_run=dry_run,
    )
    report = clean_up(engine or make_engine(), None, policy)
    return {"success": True, **report.as_result()}


def run_export_report_job(
    site_id: str, *, folder: Path | None = None, engine: Engine | None = None
) -> dict[str, Any]:
    """``EXPORT_REPORT``: write the site's HTML report (default: the data folder's reports/)."""
    with session_scope(engine or make_engine()) as session:
        return export_report(session, site_id, folder or data_dir() / "reports")


def run_usage_reset_job(
    month: str, *, force: bool = False, engine: Engine | None = None
) -> dict[str, Any]:
    """``RESET_USAGE``: zero ``month``'s usage counters (a month that is over unless ``force``)."""
    month = check_month_resettable(month, utcnow(), schedule_timezone(), force=force)
    users = reset_usage(engine or make_engine(), month, force=force)
    return {"success": True, "month": month, "usersReset": users}
