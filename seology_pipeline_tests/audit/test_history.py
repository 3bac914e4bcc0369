"""Issue history across crawls on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, event, func, select, update
from sqlalchemy.orm import Session

from seology_pipeline.audit.base import Finding, fingerprint
from seology_pipeline.audit.history import apply_findings
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    Crawl,
    CrawlStatus,
    IssueChange,
    IssueStatus,
    SeoIssue,
    Severity,
    SiteConnection,
    User,
)
from seology_pipeline_tests.audit.conftest import make_site

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _finding(code: str, page: str, severity: Severity = Severity.MEDIUM, **evidence) -> Finding:
    return Finding(
        rule_code=code,
        category="content",
        severity=severity,
        url=page,
        message=f"{code} on {page}",
        evidence=evidence,
        fingerprint=fingerprint(code, page),
    )


def _setup(engine: Engine, crawls: int = 3, site_ids: tuple[str, ...] = ("site-a",)) -> list[int]:
    with session_scope(engine) as session:
        session.add(User(id="user-1", email="owner@example.com"))
        ids = []
        for site_id in site_ids:
            session.add(
                SiteConnection(
                    id=site_id, user_id="user-1", root_url="https://a.example/", name=site_id
                )
            )
            session.flush()
            for _ in range(crawls):
                crawl = Crawl(site_id=site_id, status=CrawlStatus.COMPLETED, max_pages=100)
                session.add(crawl)
                session.flush()
                ids.append(crawl.id)
        return ids


def _issues(engine: Engine, site_id: str = "site-a") -> dict[str, SeoIssue]:
    with session_scope(engine) as session:
        rows = session.scalars(select(SeoIssue).where(SeoIssue.site_id == site_id)).all()
        return {row.rule_code: row for row in rows}


def test_three_crawls_new_persisting_resolved_regressed_ignored(app_engine: Engine) -> None:
    c1, c2, c3 = _setup(app_engine)
    a, b, c = (
        _finding(code, "https://a.example/p")
        for code in ("h1_missing", "thin_content", "title_length")
    )
    with session_scope(app_engine) as session:
        diff = apply_findings(session, "site-a", c1, [a, b, c], T0)
    assert diff.counts() == {
        "new": 3,
        "persisting": 0,
        "resolved": 0,
        "regressed": 0,
        "ignored": 0,
        "not_rechecked": 0,
        "open_total": 3,
    }
    assert diff.previous_crawl_id is None
    rows = _issues(app_engine)
    assert {r.change for r in rows.values()} == {IssueChange.NEW}
    assert rows["h1_missing"].first_seen_crawl_id == c1 and rows["h1_missing"].first_seen_at == T0

    with session_scope(app_engine) as session:  # the user ignores title_length
        session.execute(
            update(SeoIssue)
            .where(SeoIssue.rule_code == "title_length")
            .values(status=IssueStatus.IGNORED)
        )

    t2 = T0 + timedelta(days=7)
    a2 = _finding("h1_missing", "https://a.example/p", Severity.HIGH, note="now on home")
    with session_scope(app_engine) as session:
        diff = apply_findings(session, "site-a", c2, [a2, c], t2)
    assert diff.counts() == {
        "new": 0,
        "persisting": 1,
        "resolved": 1,
        "regressed": 0,
        "ignored": 1,
        "not_rechecked": 0,
        "open_total": 1,
    }
    assert diff.previous_crawl_id == c1
    assert [r.rule_code for r in diff.resolved_issues] == ["thin_content"]
    rows = _issues(app_engine)
    assert (rows["h1_missing"].status, rows["h1_missing"].change) == (
        IssueStatus.OPEN,
        IssueChange.PERSISTING,
    )
    assert rows["h1_missing"].severity is Severity.HIGH
    assert rows["h1_missing"].evidence == {"note": "now on home"}
    assert (rows["h1_missing"].first_seen_crawl_id, rows["h1_missing"].last_seen_crawl_id) == (
        c1,
        c2,
    )
    assert rows["h1_missing"].last_seen_at == t2
    assert (rows["thin_content"].status, rows["thin_content"].change) == (
        IssueStatus.RESOLVED,
        IssueChange.RESOLVED,
    )
    assert rows["thin_content"].resolved_at == t2 and rows["thin_content"].last_seen_crawl_id == c1
    assert rows["title_length"].status is IssueStatus.IGNORED

    t3 = T0 + timedelta(days=14)
    with session_scope(app_engine) as session:
        diff = apply_findings(session, "site-a", c3, [a, b], t3)
    assert diff.counts() == {
        "new": 0,
        "persisting": 1,
        "resolved": 0,
        "regressed": 1,
        "ignored": 0,
        "not_rechecked": 0,
        "open_total": 2,
    }
    assert [r.rule_code for r in diff.regressed_issues] == ["thin_content"]
    rows = _issues(app_engine)
    assert (rows["thin_content"].status, rows["thin_content"].change) == (
        IssueStatus.OPEN,
        IssueChange.REGRESSED,
    )
    assert rows["thin_content"].resolved_at is None
    assert rows["thin_content"].first_seen_crawl_id == c1
    assert rows["title_length"].status is IssueStatus.IGNORED  # not found, still ignored
    assert rows["title_length"].last_seen_crawl_id == c2


def test_nothing_is_committed_by_apply(app_engine: Engine) -> None:
    (c1,) = _setup(app_engine, crawls=1)
    with Session(app_engine) as session:
        diff = apply_findings(
            session, "site-a", c1, [_finding("h1_missing", "https://a.example/")], T0
        )
        assert diff.new == 1
        session.rollback()
    assert _issues(app_engine) == {}


def test_sites_do_not_see_each_others_issues(app_engine: Engine) -> None:
    c_a, c_b = _setup(app_engine, crawls=1, site_ids=("site-a", "site-b"))
    shared = _finding("h1_missing", "https://a.example/")
    with session_scope(app_engine) as session:
        apply_findings(session, "site-a", c_a, [shared], T0)
        diff = apply_findings(session, "site-b", c_b, [shared], T0)
    assert diff.new == 1
    with session_scope(app_engine) as session:
        diff = apply_findings(session, "site-b", c_b, [], T0)
    assert diff.resolved == 1
    assert _issues(app_engine, "site-a")["h1_missing"].status is IssueStatus.OPEN


def test_naive_time_is_refused(app_engine: Engine) -> None:
    (c1,) = _setup(app_engine, crawls=1)
    with Session(app_engine) as session, pytest.raises(ValueError, match="timezone-aware"):
        apply_findings(session, "site-a", c1, [], datetime(2026, 1, 1))


def test_ten_thousand_issues_in_bulk_statements(app_engine: Engine) -> None:
    c1, c2 = _setup(app_engine, crawls=2)
    first = [_finding("h1_missing", f"https://a.example/p{i}") for i in range(12_000)]
    second = first[2_000:] + [
        _finding("thin_content", f"https://a.example/p{i}") for i in range(1_000)
    ]
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(app_engine, "before_cursor_execute", count)
    try:
        with session_scope(app_engine) as session:
            apply_findings(session, "site-a", c1, first, T0)
        inserted = len(statements)
        statements.clear()
        with session_scope(app_engine) as session:
            diff = apply_findings(session, "site-a", c2, second, T0 + timedelta(days=1))
    finally:
        event.remove(app_engine, "before_cursor_execute", count)
    assert inserted < 60, inserted
    assert len(statements) < 60, len(statements)
    assert diff.counts() == {
        "new": 1_000,
        "persisting": 10_000,
        "resolved": 2_000,
        "regressed": 0,
        "ignored": 0,
        "not_rechecked": 0,
        "open_total": 11_000,
    }
    with session_scope(app_engine) as session:
        open_rows = session.scalar(
            select(func.count()).select_from(SeoIssue).where(SeoIssue.status == IssueStatus.OPEN)
        )
    assert open_rows == 11_000


def test_real_audit_round_trip(app_engine: Engine) -> None:
    (c1, c2) = _setup(app_engine, crawls=2)
    site = make_site()
    site.page(1).viewport = None
    findings = site.audit().issues
    with session_scope(app_engine) as session:
        apply_findings(session, "site-a", c1, findings, T0)
    site.page(1).viewport = "width=device-width"
    with session_scope(app_engine) as session:
        diff = apply_findings(session, "site-a", c2, site.audit().issues, T0 + timedelta(hours=1))
    assert diff.resolved == 1 and diff.resolved_issues[0].rule_code == "viewport_missing"


def test_only_re_checked_urls_and_site_wide_issues_resolve(app_engine: Engine) -> None:
    c1, c2, _ = _setup(app_engine)
    visited = _finding("h1_missing", "https://a.example/p")
    unvisited = _finding("thin_content", "https://a.example/far")
    site_wide = Finding(
        rule_code="robots_missing",
        category="crawlability",
        severity=Severity.LOW,
        url=None,
        message="no robots.txt",
        evidence={},
        fingerprint=fingerprint("robots_missing", ""),
    )
    with session_scope(app_engine) as session:
        apply_findings(session, "site-a", c1, [visited, unvisited, site_wide], T0)
    with session_scope(app_engine) as session:
        diff = apply_findings(
            session, "site-a", c2, [], T0 + timedelta(days=1), {"https://a.example/p"}
        )
    assert (diff.resolved, diff.not_rechecked, diff.open_total) == (2, 1, 1)
    assert diff.counts()["not_rechecked"] == 1
    issues = _issues(app_engine)
    assert issues["h1_missing"].status == IssueStatus.RESOLVED
    assert issues["robots_missing"].status == IssueStatus.RESOLVED
    far = issues["thin_content"]
    assert (far.status, far.change, far.last_seen_crawl_id) == (
        IssueStatus.OPEN,
        IssueChange.NEW,
        c1,
    )
