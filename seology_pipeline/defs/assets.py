"""Per-site assets: ``crawled_pages`` → ``seo_issues`` → ``site_analysis``, and their jobs.

Each asset is a thin wrapper: it calls the domain code in ``seology_pipeline.runs`` and
``seology_pipeline.analysis`` and turns the outcome into metadata and check results.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import dagster as dg
import httpx
from playwright.async_api import Error as PlaywrightError
from pydantic import Field
from sqlalchemy.exc import OperationalError

from seology_pipeline.accounts import QuotaExceededError, month_key
from seology_pipeline.activity import notify, record_audit
from seology_pipeline.analysis.analyst import analyse_site
from seology_pipeline.analysis.batching import queue_analysis
from seology_pipeline.analysis.errors import TransientAnalysisError
from seology_pipeline.crawl.crawler import crawl_site
from seology_pipeline.crawl.records import PageRecord
from seology_pipeline.db.models import SiteConnection, utcnow
from seology_pipeline.defs.claude import ClaudeResource, analysis_metadata
from seology_pipeline.defs.crawler import CrawlerResource
from seology_pipeline.defs.partitions import sites_partitions
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.settings import crawl_max_runtime_seconds
from seology_pipeline.names import AUTOMATION_TRIGGER, MAX_PAGES, TRIGGER_TAG
from seology_pipeline.runs.audit_run import audit_current_crawl
from seology_pipeline.runs.crawl_run import (
    CrawlRefusedError,
    SnapshotWriter,
    current_crawl,
    plan_crawl,
    record_refusal,
)

GROUP = "site_audit"

# Transient failures are retried with exponential backoff and jitter; anything else fails the
# step for good (see ``only_transient_retries``).
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    PlaywrightError,
    TransientAnalysisError,
    httpx.TransportError,
)
RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


@contextmanager
def only_transient_retries() -> Iterator[None]:
    """Let transient errors reach the retry policy; turn every other error into a final failure."""
    try:
        yield
    except (dg.Failure, *TRANSIENT_ERRORS):
        raise
    except Exception as exc:
        raise dg.Failure(description=f"{type(exc).__name__}: {exc}", allow_retries=False) from exc


class CrawlConfig(dg.Config):
    """Run config of a crawl. Both fields are optional."""

    max_pages: int | None = Field(
        default=None,
        ge=1,
        le=MAX_PAGES,
        description="Pages to crawl at most; default the site's setting, capped by the plan.",
    )
    user_id: str | None = Field(
        default=None, description="Who asks for the crawl; must be the site's owner when given."
    )


def _progress(
    writer: SnapshotWriter, context: dg.AssetExecutionContext, limit: int
) -> Callable[[PageRecord], None]:
    step = max(10, limit // 20)

    def on_page(record: PageRecord) -> None:
        writer.add(record)
        if writer.pages_seen % step == 0:
            context.log.info(f"crawled {writer.pages_seen} / {limit} pages")

    return on_page


@dg.asset(
    partitions_def=sites_partitions,
    group_name=GROUP,
    pool="browser",
    retry_policy=RETRY_POLICY,
    kinds={"playwright", "python"},
    check_specs=[
        dg.AssetCheckSpec("home_page_ok", asset="crawled_pages", description="Home page 200"),
        dg.AssetCheckSpec(
            "has_html_pages", asset="crawled_pages", description="At least one HTML page"
        ),
    ],
)
def crawled_pages(
    context: dg.AssetExecutionContext,
    config: CrawlConfig,
    database: DatabaseResource,
    crawler: CrawlerResource,
) -> dg.MaterializeResult:
    """Crawl the site in Chromium and store the pages as the site's new snapshot.

    The previous snapshot stays current until the crawl completes; a failed crawl leaves it as
    it was. Refusals (unknown or inactive site, wrong user, plan quota) fail at once, unretried.
    """
    site_id = context.partition_key
    started = utcnow()
    month = month_key(started)
    with only_transient_retries():
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
            record_refusal(database.engine, exc, context.run_id)
            raise dg.Failure(
                description=f"crawl refused: {exc}",
                allow_retries=False,
                metadata={"refused": True},
            ) from None
        settings = crawler.settings_for(plan.root_url, plan.max_pages, plan.site_settings)
        writer = SnapshotWriter(database.engine, plan, run_id=context.run_id)
        writer.start(started)
        context.log.info(f"crawling {plan.root_url} (up to {plan.max_pages} pages)")
        try:
            facts = crawl_site(settings, on_page=_progress(writer, context, plan.max_pages))
            outcome = writer.complete(facts, month=month, now=utcnow())
        except BaseException as exc:
            writer.fail(f"{type(exc).__name__}: {exc}", now=utcnow())
            raise
    return dg.MaterializeResult(
        metadata={
            "pagesAnalyzed": outcome.pages,
            "html_pages": outcome.html_pages,
            "home_status": outcome.home_status or 0,
            "crawl_id": outcome.crawl_id,
            "max_pages": plan.max_pages,
            "plan": plan.plan_code,
            "duration_s": round(outcome.duration_s, 2),
            "pages_per_s": round(outcome.pages / max(outcome.duration_s, 1e-3), 2),
            "stopped_reason": outcome.facts.get("stopped_reason") or "done",
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="home_page_ok",
                passed=outcome.home_status == 200,
                metadata={"status": outcome.home_status or 0},
            ),
            dg.AssetCheckResult(
                check_name="has_html_pages",
                passed=outcome.html_pages > 0,
                metadata={"html_pages": outcome.html_pages},
            ),
        ],
    )


def _issues_markdown(top: list[dict[str, Any]]) -> str:
    if not top:
        return "No open issues."
    rows = ["| severity | rule | URL | change |", "|---|---|---|---|"]
    for issue in top:
        url = str(issue["url"]).replace("|", "%7C")
        rows.append(f"| {issue['severity']} | `{issue['rule']}` | {url} | {issue['change']} |")
    return "\n".join(rows)


@dg.asset(
    partitions_def=sites_partitions,
    group_name=GROUP,
    deps=[crawled_pages],
    retry_policy=RETRY_POLICY,
    kinds={"pandas", "python"},
    check_specs=[dg.AssetCheckSpec("no_rule_raised", asset="seo_issues")],
)
def seo_issues(
    context: dg.AssetExecutionContext, database: DatabaseResource
) -> dg.MaterializeResult:
    """Audit the current crawl and update the site's issue history (new, resolved, regressed)."""
    with only_transient_retries(), database.session() as session:
        outcome = audit_current_crawl(
            session, context.partition_key, now=utcnow(), run_id=context.run_id
        )
    metadata: dict[str, Any] = {
        "pagesAnalyzed": outcome.pages_audited,
        "issuesFound": outcome.issues_found,
        "health_score": outcome.health_score,
        "crawl_id": outcome.crawl_id,
        **{f"severity_{name}": count for name, count in outcome.by_severity.items()},
        **{f"issues_{name}": count for name, count in outcome.diff.items()},
        "by_category": dg.MetadataValue.json(outcome.by_category),
        "top_issues": dg.MetadataValue.md(_issues_markdown(outcome.top_issues)),
    }
    return dg.MaterializeResult(
        metadata=metadata,
        check_results=[
            dg.AssetCheckResult(
                check_name="no_rule_raised",
                passed=not outcome.failed_rules,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"failed_rules": ", ".join(outcome.failed_rules) or "none"},
            )
        ],
    )


@dg.asset(
    partitions_def=sites_partitions,
    group_name=GROUP,
    deps=[seo_issues],
    pool="claude",
    retry_policy=RETRY_POLICY,
    automation_condition=dg.AutomationCondition.eager(),
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
    with only_transient_retries():
        settings = claude.settings()
        try:
            with database.session() as session:
                crawl = current_crawl(session, site_id)
                if crawl is None:
                    raise dg.Failure(
                        f"site {site_id!r} has no crawl to analyse", allow_retries=False
                    )
                if settings.batches(_crawl_trigger(context, crawl.run_id)):
                    queue_analysis(session, site_id, crawl.id, utcnow(), run_id=context.run_id)
                    context.log.info(f"analysis of crawl {crawl.id} queued for a Message Batch")
                    return
                outcome = analyse_site(
                    session,
                    site_id,
                    crawl.id,
                    settings,
                    claude.client(),
                    utcnow(),
                    run_id=context.run_id,
                )
        except QuotaExceededError as exc:
            _record_analysis_refusal(database, site_id, context.run_id, str(exc))
            raise dg.Failure(f"analysis refused: {exc}", allow_retries=False) from None
    yield dg.MaterializeResult(metadata=analysis_metadata(outcome))


def _crawl_trigger(context: dg.AssetExecutionContext, crawl_run_id: str | None) -> str | None:
    """The trigger tag of the run that crawled, when this run was launched by automation (a run
    a person launched is never batched)."""
    if context.run.tags.get(TRIGGER_TAG) != AUTOMATION_TRIGGER or crawl_run_id is None:
        return None
    crawl_run = context.instance.get_run_by_id(crawl_run_id)
    return crawl_run.tags.get(TRIGGER_TAG) if crawl_run is not None else None


def _record_analysis_refusal(
    database: DatabaseResource, site_id: str, run_id: str, reason: str
) -> None:
    with database.session() as session:
        site = session.get(SiteConnection, site_id)
        owner = site.user_id if site else None
        record_audit(
            session,
            "analysis.refused",
            user_id=owner,
            site_id=site_id,
            run_id=run_id,
            reason=reason,
        )
        notify(
            session, "analysis_refused", "Analysis not run", reason, user_id=owner, site_id=site_id
        )


crawl_site_job = dg.define_asset_job(
    "crawl_site",
    selection=[crawled_pages, seo_issues],
    partitions_def=sites_partitions,
    description="Crawl one site and audit it (the old `crawl` job).",
    tags={"dagster/max_runtime": crawl_max_runtime_seconds()},
)
analyse_site_job = dg.define_asset_job(
    "analyse_site",
    selection=[site_analysis],
    partitions_def=sites_partitions,
    description="Analyse one site's issues (the old `analysis` job).",
)
