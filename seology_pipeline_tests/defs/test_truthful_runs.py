"""A site's history stays true however a crawl is launched, whether the site answers, and however
many pages the crawl reaches: real Dagster runs against sites on 127.0.0.1, SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
import pytest
from sqlalchemy import Engine, select

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    Crawl,
    CrawlStatus,
    IssueStatus,
    Notification,
    SeoIssue,
)
from seology_pipeline.defs.assets import crawled_pages, site_analysis
from seology_pipeline.defs.claude import ClaudeResource
from seology_pipeline.defs.crawler import CrawlerResource
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.names import CRAWLED_PAGES, SEO_ISSUES, SITES_PARTITIONS
from seology_pipeline.report import report_rows
from seology_pipeline_tests.defs.ticks import FROM_THE_FIRST_RUN, job_runs_tick
from seology_pipeline_tests.factories import BOOKSHOP, add_customer
from seology_pipeline_tests.sites import page, serve_site

SITE = "site-1"


def _resources(engine: Engine) -> dict[str, Any]:
    return {
        "database": DatabaseResource(url=engine.url.render_as_string(hide_password=False)),
        "crawler": CrawlerResource(allow_private_networks=True, render_mode="never"),
        "claude": ClaudeResource(mode="offline"),
    }


def _materialize(
    engine: Engine,
    instance: dg.DagsterInstance,
    assets: list[dg.AssetsDefinition] | None = None,
    config: dict[str, Any] | None = None,
    selection: Any = None,
) -> dg.ExecuteInProcessResult:
    if not instance.has_dynamic_partition(SITES_PARTITIONS, SITE):
        instance.add_dynamic_partitions(SITES_PARTITIONS, [SITE])
    return dg.materialize(
        assets or [crawled_pages, site_analysis],
        selection=selection,
        partition_key=SITE,
        instance=instance,
        resources=_resources(engine),
        run_config={"ops": {CRAWLED_PAGES: {"config": config}}} if config else None,
        raise_on_error=False,
    )


def _materialized(result: dg.ExecuteInProcessResult) -> dict[str, dict[str, Any]]:
    return {
        e.asset_key.to_user_string(): {
            k: getattr(v, "value", v)
            for k, v in e.step_materialization_data.materialization.metadata.items()
        }
        for e in result.get_asset_materialization_events()
    }


def _issue_states(engine: Engine) -> dict[str, tuple[str, int | None]]:
    with session_scope(engine) as session:
        return {
            i.fingerprint: (str(i.status), i.last_seen_crawl_id)
            for i in session.scalars(select(SeoIssue))
        }


def _notifications(engine: Engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        rows = session.scalars(select(Notification).order_by(Notification.id))
        return [(n.kind, n.body) for n in rows]


def test_crawled_pages_alone_from_the_ui_is_audited_with_it(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    with serve_site(BOOKSHOP) as site:
        add_customer(app_engine, f"{site.url}/")
        with pytest.raises(dg.DagsterInvalidDefinitionError):  # no crawl without its audit
            _materialize(app_engine, instance, selection=[CRAWLED_PAGES])
        result = _materialize(app_engine, instance, [crawled_pages])
    assert result.success
    materialized = _materialized(result)
    assert set(materialized) == {CRAWLED_PAGES, SEO_ISSUES}
    assert materialized[SEO_ISSUES]["issuesFound"] > 0
    with session_scope(app_engine) as session:
        crawl = session.scalars(select(Crawl)).one()
        assert crawl.is_current and crawl.summary["issues_found"] > 0
        rows = report_rows(session, SITE)
    assert len(rows) == materialized[SEO_ISSUES]["issuesFound"]


def test_an_outage_between_two_crawls_fails_the_run_and_changes_nothing(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    with serve_site(BOOKSHOP) as site:
        add_customer(app_engine, f"{site.url}/")
        assert _materialize(app_engine, instance).success
    before, notes = _issue_states(app_engine), _notifications(app_engine)

    down = _materialize(app_engine, instance)  # the server is stopped: connection refused

    assert not down.success
    [failure] = [e for e in down.all_events if e.is_step_failure]
    reason = failure.step_failure_data.user_failure_data.description
    assert reason.startswith(f"site unreachable: {site.url}/ got no HTTP answer (connection")
    assert "robots.txt: connection" in reason and "\n" not in reason
    retried = [e for e in down.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert not retried
    assert _issue_states(app_engine) == before
    assert _notifications(app_engine) == notes  # no "crawl finished, N resolved"
    with session_scope(app_engine) as session:
        crawls = session.scalars(select(Crawl).order_by(Crawl.id)).all()
        assert [(c.status, c.is_current) for c in crawls] == [
            (CrawlStatus.COMPLETED, True),
            (CrawlStatus.FAILED, False),
        ]
        assert crawls[1].error.startswith("SiteUnreachableError: site unreachable")

    job_runs_tick(app_engine, instance, FROM_THE_FIRST_RUN)
    kind, body = _notifications(app_engine)[-1]
    assert (kind, body) == ("run_failed", reason)


def test_a_site_answering_only_5xx_is_unreachable(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    routes = {"/": page("<html><body>maintenance</body></html>", status=503)}
    with serve_site(routes) as site:
        add_customer(app_engine, f"{site.url}/")
        result = _materialize(app_engine, instance)
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    reason = failure.step_failure_data.user_failure_data.description
    assert reason.startswith(f"site unreachable: {site.url}/ answered HTTP 503 to all")
    with session_scope(app_engine) as session:
        assert session.scalars(select(Crawl.status)).one() == CrawlStatus.FAILED
        assert session.scalars(select(SeoIssue)).first() is None


def _catalogue(count: int) -> dict[str, Any]:
    """A home page linking to ``count`` product pages, each without a meta description or H1."""
    links = " ".join(f'<a href="/p{n}">Product {n}</a>' for n in range(count))
    routes: dict[str, Any] = {
        "/": page(
            f"<html lang='en'><head><title>Catalogue home</title></head><body>{links}</body></html>"
        )
    }
    for n in range(count):
        routes[f"/p{n}"] = page(
            f"<html lang='en'><head><title>Product {n}</title></head><body><p>x</p></body></html>"
        )
    return routes


def test_a_smaller_second_crawl_resolves_nothing_it_did_not_visit(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    with serve_site(_catalogue(12)) as site:
        add_customer(app_engine, f"{site.url}/")
        first = _materialize(app_engine, instance)
        assert first.success
        before = _issue_states(app_engine)
        second = _materialize(app_engine, instance, config={"max_pages": 3})
        after = _issue_states(app_engine)
        notes = _notifications(app_engine)
        with session_scope(app_engine) as session:
            rows = report_rows(session, SITE)
        # Then the owner fixes a page the small crawl did not reach, and a full crawl sees it.
        site.routes["/p11"] = page(
            "<html lang='en'><head><title>Product 11</title></head>"
            "<body><h1>Product 11</h1><p>x</p></body></html>"
        )
        third = _materialize(app_engine, instance)
    assert second.success and third.success
    issues = _materialized(second)[SEO_ISSUES]
    assert issues["issues_resolved"] == 0 and issues["issues_not_rechecked"] > 0
    assert {fp for fp, (status, _) in after.items() if status == IssueStatus.RESOLVED} == set()
    assert after.keys() == before.keys()
    [(_, body)] = [n for n in notes if n[0] == "crawl_completed"][1:2]
    assert f"0 resolved, {issues['issues_not_rechecked']} on pages not re-checked" in body
    with session_scope(app_engine) as session:
        crawls = session.scalars(select(Crawl).order_by(Crawl.id)).all()
        assert crawls[1].summary["diff"]["not_rechecked"] == issues["issues_not_rechecked"]
        latest = report_rows(session, SITE)
    stale = [r for r in rows if r["change"] == "not re-checked"]
    assert len(stale) == issues["issues_not_rechecked"]
    assert all(r["last_seen_crawl_id"] == crawls[0].id and r["last_seen_at"] for r in stale)

    # The fix is reported by the crawl that saw it, though the crawl before never re-checked it.
    final = _materialized(third)[SEO_ISSUES]
    fixed = [r for r in latest if r["change"] == "resolved"]
    assert final["issues_resolved"] == len(fixed) >= 1
    assert {r["url"] for r in fixed} == {f"{site.url}/p11"}
    assert final["issues_not_rechecked"] == 0
    assert not [r for r in latest if r["change"] == "not re-checked"]


def test_analysis_follows_a_re_crawl_by_automation_but_not_a_first_crawl_run(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    defs = dg.Definitions(assets=[crawled_pages, site_analysis], resources=_resources(app_engine))
    with serve_site(BOOKSHOP) as site:
        add_customer(app_engine, f"{site.url}/")
        instance.add_dynamic_partitions(SITES_PARTITIONS, [SITE])
        start = dg.evaluate_automation_conditions(defs=defs, instance=instance)
        assert start.total_requested == 0

        assert _materialize(app_engine, instance).success  # crawl, audit and analysis together
        after_first = dg.evaluate_automation_conditions(
            defs=defs, instance=instance, cursor=start.cursor
        )
        assert after_first.total_requested == 0

        assert _materialize(app_engine, instance, [crawled_pages]).success  # a UI re-crawl
        after_recrawl = dg.evaluate_automation_conditions(
            defs=defs, instance=instance, cursor=after_first.cursor
        )
    analysis = dg.AssetKey("site_analysis")
    assert after_recrawl.total_requested == 1
    assert after_recrawl.get_requested_partitions(analysis) == {SITE}


def test_a_site_on_a_private_address_fails_with_the_setting_that_allows_it(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    with serve_site(BOOKSHOP) as site:
        add_customer(app_engine, f"{site.url}/")
        instance.add_dynamic_partitions(SITES_PARTITIONS, [SITE])
        result = dg.materialize(
            [crawled_pages, site_analysis],
            partition_key=SITE,
            instance=instance,
            resources=_resources(app_engine)
            | {"crawler": CrawlerResource(allow_private_networks=False, render_mode="never")},
            raise_on_error=False,
        )
    assert not result.success
    assert not site.requests  # the guard stopped it before any request
    [failure] = [e for e in result.all_events if e.is_step_failure]
    reason = failure.step_failure_data.user_failure_data.description
    assert reason == (
        f"site refused by the network guard: {site.url}/: refused internal address 127.0.0.1"
        " (set SEOLOGY_CRAWL_ALLOW_PRIVATE_NETWORKS=true to crawl private addresses)"
    )
    assert not result.get_asset_materialization_events()
    with session_scope(app_engine) as session:
        assert [c.is_current for c in session.scalars(select(Crawl))] == [False]
