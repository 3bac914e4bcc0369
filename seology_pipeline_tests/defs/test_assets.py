"""The per-site assets materialized in process on a real instance, against a site on 127.0.0.1,
with the app database on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import dagster as dg
import pytest
from playwright.async_api import Error as PlaywrightError
from sqlalchemy import Engine, func, select

import seology_pipeline.runs.crawl_run as crawl_run
import seology_pipeline.runs.site_run as site_run
from seology_pipeline.crawl.records import PageRecord, SiteFacts
from seology_pipeline.crawl.settings import CrawlSettings
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    AuditLog,
    Conversation,
    Crawl,
    CrawlStatus,
    Notification,
    Page,
    Plan,
    SeoIssue,
    UsageRecord,
)
from seology_pipeline.defs.assets import crawled_pages, site_analysis
from seology_pipeline.defs.checks import CHECKS
from seology_pipeline.defs.claude import ClaudeResource
from seology_pipeline.defs.crawler import CrawlerResource
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.run_outcome import run_outcome
from seology_pipeline.jobs import JobState
from seology_pipeline.names import SITES_PARTITIONS
from seology_pipeline.runs.notify import ALERT_AFTER_FAILURES
from seology_pipeline_tests.factories import BOOKSHOP, add_customer
from seology_pipeline_tests.sites import Site, page, serve_site

ASSETS = [crawled_pages, site_analysis, *CHECKS]


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site(BOOKSHOP) as served:
        yield served


def _resources(engine: Engine) -> dict[str, Any]:
    return {
        "database": DatabaseResource(url=engine.url.render_as_string(hide_password=False)),
        "crawler": CrawlerResource(allow_private_networks=True, render_mode="never"),
        "claude": ClaudeResource(mode="offline"),
    }


def _materialize(
    engine: Engine,
    instance: dg.DagsterInstance,
    selection: list = ASSETS,
    config: dict[str, Any] | None = None,
) -> dg.ExecuteInProcessResult:
    if not instance.has_dynamic_partition(SITES_PARTITIONS, "site-1"):
        instance.add_dynamic_partitions(SITES_PARTITIONS, ["site-1"])
    run_config = {"ops": {"crawled_pages": {"config": config}}} if config else None
    return dg.materialize(
        selection,
        partition_key="site-1",
        instance=instance,
        resources=_resources(engine),
        run_config=run_config,
        raise_on_error=False,
    )


def _metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, Any]:
    [event] = [
        e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey(asset)
    ]
    values = event.step_materialization_data.materialization.metadata
    return {key: getattr(value, "value", value) for key, value in values.items()}


def _checks(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
    }


def _count(engine: Engine, model: type) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_crawl_audit_and_analysis_land_in_the_app_database(
    app_engine: Engine, instance: dg.DagsterInstance, site: Site
) -> None:
    add_customer(app_engine, f"{site.url}/")
    result = _materialize(app_engine, instance)
    assert result.success

    crawl = _metadata(result, "crawled_pages")
    assert crawl["pagesAnalyzed"] == 4 and crawl["html_pages"] == 3 and crawl["home_status"] == 200
    issues = _metadata(result, "seo_issues")
    assert issues["pagesAnalyzed"] == 4 and issues["issuesFound"] > 0
    assert issues["issues_new"] == issues["issuesFound"] and 0 < issues["health_score"] < 100
    assert "broken_internal_link" in issues["top_issues"]
    analysis = _metadata(result, "site_analysis")
    assert analysis["analyst"] == "offline" and int(analysis["conversationId"]) > 0
    # Identifiers are text (the UI plots numbers); measures stay numbers.
    assert isinstance(analysis["conversation_id"], str) and isinstance(issues["issuesFound"], int)
    assert isinstance(issues["health_score"], float | int)
    # The job result (the web app's contract) has them as integers again.
    job_result = run_outcome(instance, result.dagster_run).result
    assert job_result is not None and job_result["conversationId"] == int(
        analysis["conversationId"]
    )
    assert job_result["crawl_id"] == int(crawl["crawl_id"])
    assert analysis["issuesAnalyzed"] == issues["issuesFound"]
    assert _checks(result) == {"home_page_ok": True, "has_html_pages": True, "no_rule_raised": True}

    with session_scope(app_engine) as session:
        stored = session.scalars(select(Crawl)).one()
        assert stored.is_current and stored.status == CrawlStatus.COMPLETED
        assert stored.run_id == result.run_id and stored.issues_found == issues["issuesFound"]
        assert crawl["crawl_id"] == issues["crawl_id"] == str(stored.id)
        assert stored.summary["diff"]["new"] == issues["issuesFound"]
        usage = session.scalars(select(UsageRecord)).one()
        assert (usage.crawls, usage.pages, usage.analyses) == (1, 4, 1)
        actions = set(session.scalars(select(AuditLog.action)))
        assert {"crawl.started", "crawl.completed", "audit.completed"} <= actions
        assert "analysis.completed" in actions
        kinds = set(session.scalars(select(Notification.kind)))
        assert {"crawl_completed", "analysis_ready"} <= kinds
        assert session.scalars(select(Conversation)).one().crawl_id == stored.id


def test_rematerializing_replaces_the_snapshot_without_duplicates(
    app_engine: Engine, instance: dg.DagsterInstance, site: Site
) -> None:
    add_customer(app_engine, f"{site.url}/")
    assert _materialize(app_engine, instance).success
    pages, issues = _count(app_engine, Page), _count(app_engine, SeoIssue)
    second = _materialize(app_engine, instance)
    assert second.success
    assert (_count(app_engine, Page), _count(app_engine, SeoIssue)) == (pages, issues)
    assert _metadata(second, "seo_issues")["issues_persisting"] == issues
    with session_scope(app_engine) as session:
        crawls = session.scalars(select(Crawl).order_by(Crawl.id)).all()
        assert [c.is_current for c in crawls] == [False, True]


def _partition_status(instance: dg.DagsterInstance, asset: str) -> dg.AssetPartitionStatus | None:
    statuses = instance.get_status_by_partition(
        dg.AssetKey(asset), ["site-1"], crawled_pages.partitions_def
    )
    return (statuses or {}).get("site-1")


def test_refused_crawl_fails_once_and_writes_only_the_refusal(
    app_engine: Engine, instance: dg.DagsterInstance, site: Site
) -> None:
    add_customer(app_engine, f"{site.url}/")
    result = _materialize(app_engine, instance, config={"user_id": "someone-else"})
    events = [e.event_type for e in result.all_events]
    assert dg.DagsterEventType.STEP_UP_FOR_RETRY not in events
    assert not result.get_asset_materialization_events()  # nothing changed: nothing materialized
    assert not site.requests  # nothing was fetched
    assert _count(app_engine, Crawl) == 0 and _count(app_engine, UsageRecord) == 0
    with session_scope(app_engine) as session:
        assert list(session.scalars(select(AuditLog.action))) == ["crawl.refused"]
        assert list(session.scalars(select(Notification.kind))) == ["crawl_refused"]
    outcome = run_outcome(instance, result.dagster_run)
    assert outcome.state == JobState.FAILED and not outcome.success
    assert outcome.error == "crawl refused: user 'someone-else' does not own site 'site-1'"


def test_a_refusal_leaves_the_lineage_as_the_last_good_crawl_left_it(
    app_engine: Engine, instance: dg.DagsterInstance, site: Site
) -> None:
    add_customer(app_engine, f"{site.url}/")
    assert _materialize(app_engine, instance).success
    materialized = dg.AssetPartitionStatus.MATERIALIZED
    assert _partition_status(instance, "crawled_pages") == materialized
    refused = _materialize(app_engine, instance, config={"user_id": "someone-else"})
    assert run_outcome(instance, refused.dagster_run).state == JobState.FAILED
    for asset in ("crawled_pages", "seo_issues", "site_analysis"):
        assert _partition_status(instance, asset) == materialized, asset  # not red
    with session_scope(app_engine) as session:
        assert session.scalars(select(Crawl.is_current)).all() == [True]  # the good snapshot


def test_failure_mid_write_keeps_the_previous_snapshot(
    app_engine: Engine,
    instance: dg.DagsterInstance,
    site: Site,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_customer(app_engine, f"{site.url}/")
    assert _materialize(app_engine, instance, [crawled_pages]).success

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full while swapping the snapshot")

    monkeypatch.setattr(crawl_run, "increment_usage", broken)
    result = _materialize(app_engine, instance, [crawled_pages])
    assert not result.success
    with session_scope(app_engine) as session:
        crawls = session.scalars(select(Crawl).order_by(Crawl.id)).all()
        assert [(c.status, c.is_current) for c in crawls] == [
            (CrawlStatus.COMPLETED, True),
            (CrawlStatus.FAILED, False),
        ]
        assert "disk full" in crawls[1].error
        assert set(session.scalars(select(Page.crawl_id))) == {crawls[0].id}


def test_transient_browser_crash_is_retried(
    app_engine: Engine,
    instance: dg.DagsterInstance,
    site: Site,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_customer(app_engine, f"{site.url}/")
    real_crawl = site_run.crawl_site
    calls: list[int] = []

    def flaky(
        settings: CrawlSettings,
        on_page: Callable[[PageRecord], None],
        should_stop: Callable[[], str | None] | None = None,
    ) -> SiteFacts:
        calls.append(1)
        if len(calls) == 1:
            raise PlaywrightError("Target page, context or browser has been closed")
        return real_crawl(settings, on_page=on_page, should_stop=should_stop)

    monkeypatch.setattr(site_run, "crawl_site", flaky)
    result = _materialize(app_engine, instance, [crawled_pages])
    assert result.success and len(calls) == 2
    assert dg.DagsterEventType.STEP_UP_FOR_RETRY in [e.event_type for e in result.all_events]
    with session_scope(app_engine) as session:
        statuses = list(session.scalars(select(Crawl.status).order_by(Crawl.id)))
        assert statuses == [CrawlStatus.FAILED, CrawlStatus.COMPLETED]


def test_a_canceled_run_does_not_retry_its_crawl(
    app_engine: Engine,
    instance: dg.DagsterInstance,
    site: Site,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Canceling a running crawl closes its browser; that error must not look transient."""
    add_customer(app_engine, f"{site.url}/")
    calls: list[int] = []

    def canceled(
        settings: CrawlSettings,
        on_page: Callable[[PageRecord], None],
        should_stop: Callable[[], str | None] | None = None,
    ) -> SiteFacts:
        calls.append(1)
        [run] = instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
        instance.report_run_canceling(run)
        raise PlaywrightError("Target page, context or browser has been closed")

    monkeypatch.setattr(site_run, "crawl_site", canceled)
    result = _materialize(app_engine, instance, [crawled_pages])
    assert not result.success and len(calls) == 1
    events = [e.event_type for e in result.all_events]
    assert dg.DagsterEventType.STEP_UP_FOR_RETRY not in events
    [failure] = [e for e in result.all_events if e.is_step_failure]
    assert failure.step_failure_data.user_failure_data.description == "the run was canceled"
    with session_scope(app_engine) as session:
        assert list(session.scalars(select(Crawl.status))) == [CrawlStatus.FAILED]


def test_asset_checks_fail_when_the_home_page_is_broken(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    routes = {"/": page("<html><body>gone</body></html>", status=404)}
    with serve_site(routes) as broken:
        add_customer(app_engine, f"{broken.url}/")
        result = _materialize(app_engine, instance, [crawled_pages, *CHECKS])
    assert result.success
    assert _checks(result) == {
        "home_page_ok": False,
        "has_html_pages": False,
        "no_rule_raised": True,
    }


def test_a_refused_analysis_fails_its_job_without_turning_the_asset_red(
    app_engine: Engine, instance: dg.DagsterInstance, site: Site
) -> None:
    with session_scope(app_engine) as session:
        session.add(
            Plan(
                code="none",
                name="No analyses",
                crawls_per_month=5,
                pages_per_crawl=50,
                analyses_per_month=0,
            )
        )
    add_customer(app_engine, f"{site.url}/", plan="none")
    result = _materialize(app_engine, instance)
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {"crawled_pages", "seo_issues"}  # the analysis changed nothing
    outcome = run_outcome(instance, result.dagster_run)
    assert outcome.state == JobState.FAILED and outcome.error.startswith("analysis refused: ")
    assert _partition_status(instance, "site_analysis") is None  # never built, not failed
    with session_scope(app_engine) as session:
        assert not session.scalars(select(Conversation)).all()
        assert list(session.scalars(select(Notification.kind))).count("analysis_refused") == 1


def test_refused_runs_count_toward_the_admin_alert(
    app_engine: Engine, instance: dg.DagsterInstance, site: Site
) -> None:
    add_customer(app_engine, f"{site.url}/")
    for _ in range(ALERT_AFTER_FAILURES):
        _materialize(app_engine, instance, config={"user_id": "someone-else"})
    with session_scope(app_engine) as session:
        kinds = list(session.scalars(select(Notification.kind).order_by(Notification.id)))
    assert kinds.count("crawl_refused") == ALERT_AFTER_FAILURES  # the owner heard once each
    assert kinds.count("run_failed") == 0 and kinds.count("admin_alert") == 1
