"""A small app database with a site, two crawls, their issues and analyses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    Conversation,
    Crawl,
    CrawlStatus,
    IssueChange,
    IssueStatus,
    SeoIssue,
    Severity,
    SiteConnection,
    User,
)
from seology_pipeline_tests.databases import migrated_engine, sqlite_url

SITE_ID = "site-acme"
HOSTILE = '"<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">"'
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 2, 5, 9, 0, tzinfo=UTC)

# (rule, category, severity, path, first crawl, last crawl, change, status)
ISSUES = [
    ("broken_internal_link", "links", "critical", "/a", 1, 2, "persisting", "open"),
    ("title_missing", "metadata", "high", "/b", 2, 2, "new", "open"),
    ("json_ld_invalid", "structured_data", "high", "/c", 1, 2, "regressed", "open"),
    ("duplicate_title", "metadata", "medium", "/d", 2, 2, "new", "open"),
    ("thin_content", "content", "medium", "/e", 1, 1, "resolved", "resolved"),
    ("meta_description_length", "metadata", "low", "/f", 1, 2, "persisting", "ignored"),
    ("image_alt_missing", "images", "low", "/g1", 2, 2, "new", "open"),
    ("image_alt_missing", "images", "low", "/g2", 2, 2, "new", "open"),
    ("image_alt_missing", "images", "low", "/g3", 2, 2, "new", "open"),
    ("internal_nofollow", "links", "low", "/g4", 2, 2, "new", "open"),
]

ANALYSIS = {
    "summary": "The shop has one broken link on its home page and missing titles on new pages.",
    "actions": [
        {
            "title": "Fix the broken link on the home page",
            "rationale": "The home page links to a page that answers 404.",
            "issue_ids": [1],
            "category": "links",
            "severity": "critical",
            "impact": "high",
            "effort": "low",
            "affected_urls": ["https://shop.example/a", "javascript:alert(1)"],
        },
        {
            "title": f"Rename the duplicated title {HOSTILE}",
            "rationale": "Two pages share one title.",
            "issue_ids": [2, 4],
            "category": "metadata",
            "severity": "high",
            "impact": "medium",
            "effort": "low",
            "affected_urls": ["https://shop.example/b"],
        },
        {
            "title": "Repair the JSON-LD on /c",
            "rationale": "The structured data no longer parses.",
            "issue_ids": [3],
            "category": "structured_data",
            "severity": "high",
            "impact": "medium",
            "effort": "medium",
            "affected_urls": [],
        },
    ],
    "quick_wins": [
        {"title": "Add alt text to three images", "rationale": "Quick.", "issue_ids": [7, 8, 9]},
    ],
}


def populate(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(User(id="u1", email="owner@shop.example"))
        session.add(User(id="u2", email="other@shop.example"))
        session.add(
            SiteConnection(
                id=SITE_ID, user_id="u1", root_url="https://shop.example/", name="Acme <b>Shop</b>"
            )
        )
        session.add(
            SiteConnection(
                id="site-empty", user_id="u2", root_url="https://e.example/", name="Empty"
            )
        )
        session.flush()
        session.add_all(
            [
                Crawl(
                    id=1,
                    site_id=SITE_ID,
                    status=CrawlStatus.COMPLETED,
                    started_at=T0,
                    finished_at=T0 + timedelta(seconds=80),
                    max_pages=100,
                    pages_crawled=40,
                    issues_found=5,
                    health_score=62.0,
                ),
                Crawl(
                    id=2,
                    site_id=SITE_ID,
                    status=CrawlStatus.COMPLETED,
                    is_current=True,
                    started_at=T1,
                    finished_at=T1 + timedelta(seconds=95),
                    max_pages=100,
                    pages_crawled=45,
                    issues_found=9,
                    health_score=71.0,
                    run_id="run-abc",
                    summary={"health_score": 71.0},
                ),
            ]
        )
        session.flush()
        for n, (rule, category, severity, path, first, last, change, status) in enumerate(
            ISSUES, start=1
        ):
            message = f"Title {HOSTILE} is duplicated." if n == 4 else f"{rule} on {path}"
            session.add(
                SeoIssue(
                    id=n,
                    site_id=SITE_ID,
                    rule_code=rule,
                    category=category,
                    severity=Severity(severity),
                    url=f"https://shop.example{path}",
                    message=message,
                    fingerprint=f"fp{n}",
                    status=IssueStatus(status),
                    change=IssueChange(change),
                    first_seen_crawl_id=first,
                    last_seen_crawl_id=last,
                )
            )
        common = {"site_id": SITE_ID, "prompt_version": "v1", "input_hash": "h"}
        session.add_all(
            [
                Conversation(
                    crawl_id=1,
                    analyst="offline",
                    created_at=T0,
                    result={"summary": "first crawl analysis", "actions": [], "quick_wins": []},
                    **common,
                ),
                Conversation(
                    crawl_id=2,
                    analyst="offline",
                    created_at=T1,
                    result={"summary": "superseded analysis", "actions": [], "quick_wins": []},
                    **common,
                ),
                Conversation(
                    crawl_id=2,
                    analyst="claude",
                    model="claude-sonnet-4-5",
                    created_at=T1 + timedelta(minutes=5),
                    result={"analyst": "claude", "ai_generated": True, "analysis": ANALYSIS},
                    **common,
                ),
            ]
        )


@pytest.fixture
def report_engine(tmp_path: Path) -> Iterator[Engine]:
    with migrated_engine(sqlite_url(tmp_path)) as engine:
        populate(engine)
        yield engine
