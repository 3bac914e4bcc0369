"""Per-site assets: ``crawled_pages`` + ``seo_issues`` (one step) → ``site_analysis``, and jobs.

Each asset is a thin wrapper: it calls the domain code in ``seology_pipeline.runs`` and
``seology_pipeline.analysis`` and turns the outcome into metadata and check results.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg
import httpx
from pydantic import Field
from sqlalchemy.exc import OperationalError

from seology_pipeline.accounts import QuotaExceededError, month_key
from seology_pipeline.analysis.analyst import analyse_site
from seology_pipeline.analysis.batching import queue_analysis
from seology_pipeline.analysis.errors import TransientAnalysisError
from seology_pipeline.crawl.chromium import is_browser_error
from seology_pipeline.db.models import utcnow
from seology_pipeline.defs.claude import ClaudeResource, analysis_metadata
from seology_pipeline.defs.crawler import CrawlerResource
from seology_pipeline.defs.failures import report_failure
from seology_pipeline.defs.metadata import id_text
from seology_pipeline.defs.partitions import sites_partitions
from seology_pipeline.defs.reaper import run_alive
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.run_config import parse_config
from seology_pipeline.defs.settings import crawl_max_runtime_seconds
from seology_pipeline.names import (
    ANALYSIS_JOB,
    AUTOMATION_TRIGGER,
    CRAWL_JOB,
    CRAWLED_PAGES,
    DEFAULT_PRIORITY,
    FIRST_CRAWL_JOB,
    LOCAL_CRAWL_JOB,
    MANUAL_PRIORITIES,
    MANUAL_TRIGGER,
    MAX_PAGES,
    REFUSED_TAG,
    SEO_ISSUES,
    TRIGGER_TAG,
    priority_tags,
)
from seology_pipeline.runs.audit_run import AuditOutcome
from seology_pipeline.runs.crawl_run import (
    CrawlPlan,
    CrawlRefusedError,
    current_crawl,
    plan_crawl,
    record_refusal,
)
from seology_pipeline.runs.notify import record_analysis_refusal
from seology_pipeline.runs.reachability import SiteUnreachableError
from seology_pipeline.runs.site_run import SiteRunOutcome, crawl_and_audit

GROUP = "site_audit"
# A progress line in the run's log at most this often: each line is an event the instance
# stores (milliseconds each on SQLite), so a short crawl logs none.
PROGRESS_LOG_EVERY_S = 10.0

# Transient failures (these, and Playwright's errors: a browser that went away) are retried
# with exponential backoff and jitter; anything else fails the step for good
# (``only_transient_retries``).
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    TransientAnalysisError,
    httpx.TransportError,
)
RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


STOPPING = (dg.DagsterRunStatus.CANCELING, dg.DagsterRunStatus.CANCELED)


def _stopping(context: dg.AssetExecutionContext) -> bool:
    run = context.instance.get_run_by_id(context.run.run_id)
    return run is not None and run.status in STOPPING


@contextmanager
def only_transient_retries(context: dg.AssetExecutionContext) -> Iterator[None]:
    """Let transient errors reach the retry policy; turn every other error into a final failure.

    A run being canceled must not go on by retrying its step: neither a transient-looking error
    (the browser or a connection closed under it) nor Dagster's interrupt, which Dagster itself
    would turn into a retry of a step with a retry policy, is retried then.
    """
    try:
        yield
    except dg.Failure:
        raise
    except Exception as exc:
        if not (isinstance(exc, TRANSIENT_ERRORS) or is_browser_error(exc)):
            description = f"{type(exc).__name__}: {exc}"
            raise dg.Failure(description=description, allow_retries=False) from exc
        if _stopping(context):
            raise dg.Failure(description="the run was canceled", allow_retries=False) from exc
        raise
    except (dg.DagsterExecutionInterruptedError, KeyboardInterrupt) as exc:
        if _stopping(context):
            raise dg.Failure(description="the run was canceled", allow_retries=False) from exc
        raise


# ``eager()`` without its "newly missing" trigger: a new site's first run (``first_crawl``) already
# analyses it, and only an audit in a run that did not also analyse (a re-crawl) asks for one.
AFTER_NEW_ISSUES = (
    dg.AutomationCondition.any_deps_updated().since_last_handled()
    & ~dg.AutomationCondition.any_deps_missing()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
).with_label("after_new_issues")


class CrawlConfig(dg.Config):
    """Run config of a crawl; both fields are optional."""

    max_pages: int | None = Field(
        default=None,
        strict=True,
        ge=1,
        le=MAX_PAGES,
        description=f"Pages to crawl, 1-{MAX_PAGES}; default the site's setting, capped by plan.",
    )
    user_id: str | None = Field(
        default=None, description="Who asks for the crawl; must be the site's owner."
    )


def _crawl_metadata(outcome: SiteRunOutcome, plan: CrawlPlan) -> dict[str, Any]:
    crawl = outcome.crawl
    metadata: dict[str, Any] = {
        "pagesAnalyzed": crawl.pages,
        "html_pages": crawl.html_pages,
        "home_status": crawl.home_status or 0,
        "crawl_id": id_text(crawl.crawl_id),
        "max_pages": plan.max_pages,
        "plan": plan.plan_code,
        "duration_s": round(crawl.duration_s, 2),
        "pages_per_s": round(crawl.pages / max(crawl.duration_s, 1e-3), 2),
        "stopped_reason": crawl.facts.get("stopped_reason") or "done",
        "urls_left": dg.MetadataValue.json(crawl.facts.get("urls_left") or {}),
        "sitemap_only_urls": crawl.facts.get("sitemap_only_urls") or 0,
        "sitemap_hygiene": dg.MetadataValue.json(crawl.facts.get("sitemap_hygiene") or {}),
        "canonical_targets_checked": crawl.facts.get("canonical_targets_checked") or 0,
    }
    if outcome.robots_error:
        metadata["robots_error"] = outcome.robots_error
    return metadata


def _issues_metadata(outcome: AuditOutcome) -> dict[str, Any]:
    return {
        "pagesAnalyzed": outcome.pages_audited,
        "issuesFound": outcome.issues_found,
        "health_score": outcome.health_score,
        "crawl_id": id_text(outcome.crawl_id),
        **{f"severity_{name}": count for name, count in outcome.by_severity.items()},
        **{f"issues_{name}": count for name, count in outcome.diff.items()},
        "by_category": dg.MetadataValue.json(outcome.by_category),
        "top_issues": dg.MetadataValue.md(_issues_markdown(outcome.top_issues)),
        "failed_rules": ", ".join(outcome.failed_rules) or "none",
    }


def _issues_markdown(top: list[dict[str, Any]]) -> str:
    if not top:
        return "No open issues."
    rows = ["| severity | rule | URL | change |", "|---|---|---|---|"]
    for issue in top:
        url = str(issue["url"]).replace("|", "%7C")
        rows.append(f"| {issue['severity']} | `{issue['rule']}` | {url} | {issue['change']} |")
    return "\n".join(rows)


def _refuse(context: dg.AssetExecutionContext, database: DatabaseResource, reason: str) -> None:
    """End the step on a refusal without materializing: the run's job is FAILED with ``reason``
    (the run's refusal tag), while the assets, whose data did not change, keep their state. The
    refusal counts toward the site's failure streak."""
    context.instance.add_run_tags(context.run.run_id, {REFUSED_TAG: reason})
    context.log.warning(reason)
    report_failure(context.instance, database, context.log, context.run, reason)


@dg.multi_asset(
    name=CRAWLED_PAGES,
    config_schema=CrawlConfig.to_fields_dict(),
    partitions_def=sites_partitions,
    pool="browser",
    retry_policy=RETRY_POLICY,
    specs=[
        dg.AssetSpec(
            CRAWLED_PAGES,
            group_name=GROUP,
            kinds={"playwright", "python"},
            description="The site's pages, crawled in Chromium: its current snapshot.",
            skippable=True,
        ),
        dg.AssetSpec(
            SEO_ISSUES,
            group_name=GROUP,
            deps=[CRAWLED_PAGES],
            kinds={"pandas", "python"},
            description="The issues of the current snapshot and their history across crawls.",
            skippable=True,
        ),
    ],
)
def crawled_pages(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    crawler: CrawlerResource,
) -> Iterator[dg.MaterializeResult]:
    """Crawl the site in Chromium, audit the crawl, and make both the site's current data.

    Crawl and audit are one step, so however it is launched (UI, CLI, queue, sensor) a snapshot
    never becomes current without its issues. The previous snapshot and every issue's state stay
    as they were when the crawl fails or the site does not answer. Refusals (unknown or
    inactive site, wrong user, plan quota, a crawl already running) end the step at once without
    materializing; outages fail at once, unretried.
    """
    site_id = context.partition_key
    month = month_key(utcnow())
    config = parse_config(CrawlConfig, context.op_execution_context.op_config)
    with only_transient_retries(context):
        try:
            with database.session() as session:
                plan = plan_crawl(
                    session,
                    site_id,
                    max_pages=config.max_pages,
                    user_id=config.user_id,
                    month=month,
                )
        except CrawlRefusedError as exc:
            record_refusal(database.engine, exc, context.run.run_id)
            _refuse(context, database, f"crawl refused: {exc}")
            return
        settings = crawler.settings_for(plan.root_url, plan.max_pages, plan.site_settings)
        logged_at = time.monotonic()

        def progress(pages: int) -> None:
            nonlocal logged_at
            if time.monotonic() - logged_at >= PROGRESS_LOG_EVERY_S:
                logged_at = time.monotonic()
                context.log.info(f"crawled {pages} / {plan.max_pages} pages")

        context.log.info(f"crawling {plan.root_url} (up to {plan.max_pages} pages)")
        try:
            outcome = crawl_and_audit(
                database.engine,
                plan,
                settings,
                month=month,
                run_id=context.run.run_id,
                on_progress=progress,
                run_alive=run_alive(context.instance),
            )
        except CrawlRefusedError as exc:  # another crawl of the site holds its lease, or quota
            record_refusal(database.engine, exc, context.run.run_id)
            _refuse(context, database, f"crawl refused: {exc}")
            return
        except SiteUnreachableError as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from None
    yield dg.MaterializeResult(asset_key=CRAWLED_PAGES, metadata=_crawl_metadata(outcome, plan))
    yield dg.MaterializeResult(asset_key=SEO_ISSUES, metadata=_issues_metadata(outcome.audit))


@dg.asset(
    partitions_def=sites_partitions,
    group_name=GROUP,
    deps=[SEO_ISSUES],
    pool="claude",
    retry_policy=RETRY_POLICY,
    automation_condition=AFTER_NEW_ISSUES,
    kinds={"anthropic", "python"},
    output_required=False,
)
def site_analysis(
    context: dg.AssetExecutionContext, database: DatabaseResource, claude: ClaudeResource
) -> Iterator[dg.MaterializeResult]:
    """Turn the site's open issues into ranked recommendations (Claude, or rule-based offline).

    Runs by itself after every new ``seo_issues`` materialization. When nobody waits for it (an
    automatic run after a scheduled re-crawl, see ``SEOLOGY_ANALYSIS_BATCH``) the analysis is
    queued for a Message Batch instead and ``analysis_batch_results`` records it later.
    """
    site_id = context.partition_key
    with only_transient_retries(context):
        settings = claude.settings()
        try:
            with database.session() as session:
                crawl = current_crawl(session, site_id)
                if crawl is None:
                    raise dg.Failure(
                        f"site {site_id!r} has no crawl to analyse", allow_retries=False
                    )
                if settings.batches(_crawl_trigger(context, crawl.run_id)):
                    queue_analysis(session, site_id, crawl.id, utcnow(), run_id=context.run.run_id)
                    context.log.info(f"analysis of crawl {crawl.id} queued for a Message Batch")
                    return
                outcome = analyse_site(
                    session,
                    site_id,
                    crawl.id,
                    settings,
                    claude.client(),
                    utcnow(),
                    run_id=context.run.run_id,
                )
        except QuotaExceededError as exc:
            with database.session() as session:
                record_analysis_refusal(session, site_id, context.run.run_id, str(exc))
            _refuse(context, database, f"analysis refused: {exc}")
            return
    yield dg.MaterializeResult(metadata=analysis_metadata(outcome))


def _crawl_trigger(context: dg.AssetExecutionContext, crawl_run_id: str | None) -> str | None:
    """The trigger tag of the run that crawled, when this run was launched by automation (a run
    a person launched is never batched)."""
    if context.run.tags.get(TRIGGER_TAG) != AUTOMATION_TRIGGER or crawl_run_id is None:
        return None
    crawl_run = context.instance.get_run_by_id(crawl_run_id)
    return crawl_run.tags.get(TRIGGER_TAG) if crawl_run is not None else None


crawl_site_job = dg.define_asset_job(
    CRAWL_JOB,
    selection=[crawled_pages],
    description="Crawl one site and audit it (launchpad: pick its partition; config optional).",
    # A launch from the UI (launchpad or the job's partition page) runs at the manual priority;
    # sensors and the jobs table give their runs their own priority and trigger.
    tags={
        **priority_tags(MANUAL_PRIORITIES["normal"]),
        TRIGGER_TAG: MANUAL_TRIGGER,
        "dagster/max_runtime": crawl_max_runtime_seconds(),
    },
)
first_crawl_job = dg.define_asset_job(
    FIRST_CRAWL_JOB,
    selection=[crawled_pages, site_analysis],
    description=(
        "A new site's first crawl, audit and analysis in one run: no automation hop, so the"
        " first results land seconds after the connection."
    ),
    tags={**priority_tags(DEFAULT_PRIORITY), "dagster/max_runtime": crawl_max_runtime_seconds()},
)
local_crawl_job = dg.define_asset_job(
    LOCAL_CRAWL_JOB,
    selection=[crawled_pages, site_analysis],
    description=(
        "Crawl, audit and analyse one site in one run: what `seology crawl` and `seology demo`"
        " run without a deployment (one run's start-up instead of two)."
    ),
    tags={"dagster/max_runtime": crawl_max_runtime_seconds()},
)
analyse_site_job = dg.define_asset_job(
    ANALYSIS_JOB,
    selection=[site_analysis],
    description="Analyse one site's issues (the old `analysis` job).",
    tags=priority_tags(DEFAULT_PRIORITY),
)
