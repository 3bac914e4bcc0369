"""Crawl planning (refusals, caps) and the atomic snapshot swap, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

import seology_pipeline.runs.crawl_run as crawl_run
from seology_pipeline.accounts import increment_usage
from seology_pipeline.crawl.records import LinkRecord, PageRecord, SiteFacts, TagText
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    AuditLog,
    Crawl,
    CrawlStatus,
    Link,
    Notification,
    Page,
    SiteConnection,
    UsageRecord,
    utcnow,
)
from seology_pipeline.runs.crawl_run import (
    CrawlRefusedError,
    SnapshotWriter,
    current_crawl,
    load_page_records,
    plan_crawl,
)
from seology_pipeline.runs.registry import was_refused
from seology_pipeline_tests.factories import add_customer

MONTH = "2026-11"
STARTED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # in MONTH: the crawl is reserved there
ROOT = "https://shop.example/"


def _plan(engine: Engine, **kwargs):
    with session_scope(engine) as session:
        return plan_crawl(session, "site-1", month=MONTH, **kwargs)


def _pages(prefix: str, count: int) -> list[PageRecord]:
    return [
        PageRecord(
            url=f"{ROOT}{prefix}{i}",
            depth=0 if i == 0 else 1,
            status=200,
            content_type="text/html",
            titles=[TagText(f"{prefix} page {i}")],
            links=[LinkRecord(href="/", url=ROOT, anchor="home")],
        )
        for i in range(count)
    ]


def _crawl(engine: Engine, prefix: str, count: int, batch_size: int = 3) -> int:
    plan = _plan(engine, max_pages=None, user_id=None)
    writer = SnapshotWriter(engine, plan, run_id=f"run-{prefix}", batch_size=batch_size)
    writer.start(STARTED)
    for record in _pages(prefix, count):
        writer.add(record)
    return writer.complete(SiteFacts(root_url=ROOT), month=MONTH, now=utcnow()).crawl_id


def test_plan_uses_site_default_capped_by_plan(app_engine: Engine) -> None:
    add_customer(app_engine, ROOT, plan="free", max_pages=500)
    plan = _plan(app_engine, max_pages=None, user_id="user-1")
    assert (plan.max_pages, plan.plan_code, plan.root_url) == (100, "free", ROOT)
    assert _plan(app_engine, max_pages=7, user_id=None).max_pages == 7


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_pages": None, "user_id": "intruder"}, "does not own"),
        ({"max_pages": 0, "user_id": None}, "between 1 and 50000"),
        ({"max_pages": 50_001, "user_id": None}, "between 1 and 50000"),
    ],
)
def test_plan_refuses_bad_requests(app_engine: Engine, kwargs: dict, message: str) -> None:
    add_customer(app_engine, ROOT)
    with pytest.raises(CrawlRefusedError, match=message):
        _plan(app_engine, **kwargs)


def test_plan_refuses_unknown_inactive_and_over_quota(app_engine: Engine) -> None:
    with pytest.raises(CrawlRefusedError, match="does not exist"):
        _plan(app_engine, max_pages=None, user_id=None)
    add_customer(app_engine, ROOT, plan="free")
    with session_scope(app_engine) as session:
        increment_usage(session, "user-1", MONTH, crawls=4)
    with pytest.raises(CrawlRefusedError, match="4 crawls a month"):
        _plan(app_engine, max_pages=None, user_id=None)
    with session_scope(app_engine) as session:
        session.get_one(SiteConnection, "site-1").is_active = False
    with pytest.raises(CrawlRefusedError, match="deactivated"):
        _plan(app_engine, max_pages=None, user_id=None)


def test_refusal_writes_only_an_audit_entry_and_a_notification(app_engine: Engine) -> None:
    add_customer(app_engine, ROOT)
    with pytest.raises(CrawlRefusedError) as info:
        _plan(app_engine, max_pages=None, user_id="intruder")
    crawl_run.record_refusal(app_engine, info.value, run_id="r1")
    with session_scope(app_engine) as session:
        log = session.scalars(select(AuditLog)).one()
        assert (log.action, log.run_id, log.site_id) == ("crawl.refused", "r1", "site-1")
        assert log.user_id == "user-1" and log.details["requested_by"] == "intruder"
        note = session.scalars(select(Notification)).one()
        assert note.user_id == "user-1" and "does not own" in note.body
        assert session.scalar(select(func.count()).select_from(Crawl)) == 0
        assert was_refused(session, "r1") and not was_refused(session, "r2")


def test_completed_crawl_becomes_current_and_replaces_the_old_snapshot(app_engine: Engine) -> None:
    add_customer(app_engine, ROOT)
    first = _crawl(app_engine, "a", 5)
    second = _crawl(app_engine, "b", 4)
    with session_scope(app_engine) as session:
        assert current_crawl(session, "site-1").id == second
        assert {p.url for p in load_page_records(session, second)} == {
            f"{ROOT}b{i}" for i in range(4)
        }
        assert session.scalar(select(func.count()).select_from(Page)) == 4
        assert session.scalar(select(func.count()).select_from(Link)) == 4
        old = session.get_one(Crawl, first)
        assert (old.status, old.is_current) == (CrawlStatus.COMPLETED, False)
        usage = session.scalars(select(UsageRecord)).one()
        assert (usage.crawls, usage.pages) == (2, 9)
        assert session.get_one(SiteConnection, "site-1").last_crawled_at is not None


def test_failure_during_the_swap_leaves_the_previous_snapshot(
    app_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_customer(app_engine, ROOT)
    first = _crawl(app_engine, "a", 5)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away mid-write")

    monkeypatch.setattr(crawl_run, "increment_usage", broken)
    plan = _plan(app_engine, max_pages=None, user_id=None)
    writer = SnapshotWriter(app_engine, plan, run_id="run-b", batch_size=2)
    writer.start(STARTED)
    for record in _pages("b", 5):
        writer.add(record)
    with pytest.raises(RuntimeError, match="mid-write"):
        writer.complete(SiteFacts(root_url=ROOT), month=MONTH, now=utcnow())
    writer.fail("RuntimeError: database went away mid-write", now=utcnow())

    with session_scope(app_engine) as session:
        assert current_crawl(session, "site-1").id == first
        urls = set(session.scalars(select(Page.url)))
        assert urls == {f"{ROOT}a{i}" for i in range(5)}
        failed = session.scalars(select(Crawl).where(Crawl.id != first)).one()
        assert failed.status == CrawlStatus.FAILED and "mid-write" in failed.error
        assert session.scalars(select(UsageRecord)).one().crawls == 1


def test_page_records_round_trip_through_the_database(app_engine: Engine) -> None:
    add_customer(app_engine, ROOT)
    crawl_id = _crawl(app_engine, "a", 2)
    with session_scope(app_engine) as session:
        records = load_page_records(session, crawl_id)
    assert records == _pages("a", 2)
