"""Migrations, the migrated schema and its constraints, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.migrate import alembic_config, current_revision, schema_diff
from seology_pipeline.db.models import (
    AuditLog,
    Crawl,
    CrawlStatus,
    Link,
    Notification,
    Page,
    Plan,
    SeoIssue,
    Severity,
    SiteConnection,
    UsageRecord,
    User,
)


def _site(session, site_id: str = "site-1", user_id: str = "user-1") -> SiteConnection:
    session.add(User(id=user_id, email=f"{user_id}@example.com"))
    site = SiteConnection(
        id=site_id, user_id=user_id, root_url="https://example.com/", name="Example"
    )
    session.add(site)
    session.flush()
    return site


def test_migrations_reach_head_and_match_the_models(app_engine: Engine) -> None:
    head = ScriptDirectory.from_config(alembic_config(app_engine)).get_current_head()
    assert head is not None and current_revision(app_engine) == head
    assert schema_diff(app_engine) == []


def test_default_plans_are_seeded(app_engine: Engine) -> None:
    with session_scope(app_engine) as session:
        codes = set(session.scalars(select(Plan.code)))
    assert {"free", "pro", "agency"} <= codes


def test_duplicate_usage_row_is_rejected(app_engine: Engine) -> None:
    with session_scope(app_engine) as session:
        _site(session)
        session.add(UsageRecord(user_id="user-1", month="2026-11"))
    with pytest.raises(IntegrityError), session_scope(app_engine) as session:
        session.add(UsageRecord(user_id="user-1", month="2026-11"))


def test_deleting_a_site_removes_its_crawl_data_but_keeps_history(app_engine: Engine) -> None:
    with session_scope(app_engine) as session:
        site = _site(session)
        crawl = Crawl(site_id=site.id, status=CrawlStatus.COMPLETED, max_pages=10)
        session.add(crawl)
        session.flush()
        session.add(Page(crawl_id=crawl.id, site_id=site.id, url="https://example.com/"))
        session.add(Link(crawl_id=crawl.id, source_url="https://example.com/", is_internal=True))
        session.add(
            SeoIssue(
                site_id=site.id,
                rule_code="title_missing",
                category="content",
                severity=Severity.HIGH,
                message="No title",
                fingerprint="f" * 64,
                first_seen_crawl_id=crawl.id,
                last_seen_crawl_id=crawl.id,
            )
        )
        session.add(AuditLog(action="crawl.completed", site_id=site.id, user_id="user-1"))
        session.add(Notification(user_id="user-1", site_id=site.id, kind="crawl", title="Done"))

    with session_scope(app_engine) as session:
        session.delete(session.get(SiteConnection, "site-1"))

    with session_scope(app_engine) as session:
        for model in (Crawl, Page, Link, SeoIssue):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model
        log = session.scalars(select(AuditLog)).one()
        assert log.site_id is None and log.user_id == "user-1"
        assert session.scalars(select(Notification)).one().site_id is None


def test_deleting_a_user_removes_their_sites(app_engine: Engine) -> None:
    with session_scope(app_engine) as session:
        _site(session)
    with session_scope(app_engine) as session:
        session.delete(session.get(User, "user-1"))
    with session_scope(app_engine) as session:
        assert session.scalar(select(func.count()).select_from(SiteConnection)) == 0


def test_timestamps_round_trip_as_aware_utc(app_engine: Engine) -> None:
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC) + timedelta(microseconds=5)
    with session_scope(app_engine) as session:
        _site(session)
        session.add(Notification(user_id="user-1", kind="x", title="t", created_at=moment))
    with session_scope(app_engine) as session:
        stored = session.scalars(select(Notification.created_at)).one()
    assert stored == moment and stored.tzinfo is not None


def test_naive_timestamps_are_refused(app_engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime"), session_scope(app_engine) as session:
        _site(session)
        session.add(
            Notification(user_id="user-1", kind="x", title="t", created_at=datetime(2026, 1, 1))
        )


def test_check_constraints_refuse_unknown_enum_values(app_engine: Engine) -> None:
    with session_scope(app_engine) as session:
        _site(session)
    statement = text(
        "INSERT INTO crawls (site_id, status, is_current, started_at, max_pages, pages_crawled, "
        "issues_found, site_facts, summary) VALUES ('site-1', :status, false, "
        "CURRENT_TIMESTAMP, 1, 0, 0, '{}', '{}')"
    )
    with app_engine.begin() as connection:
        connection.execute(statement, {"status": "completed"})
    with pytest.raises(IntegrityError), app_engine.begin() as connection:
        connection.execute(statement, {"status": "exploded"})


def test_a_job_is_enqueued_by_type_and_payload_alone(app_engine: Engine) -> None:
    with app_engine.begin() as connection:
        connection.execute(
            text("INSERT INTO jobs (type, payload) VALUES ('CLEANUP', '{\"daysOld\": 90}')")
        )
        row = connection.execute(text("SELECT * FROM jobs")).mappings().one()
    assert len(row["id"]) == 32 and row["status"] == "PENDING"
    assert (row["priority"], row["attempts"], row["max_attempts"]) == (0, 0, 3)
    assert row["created_at"] is not None and row["run_id"] is None
