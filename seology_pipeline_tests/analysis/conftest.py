"""Fixtures of the analysis tests: a seeded app database and a fake Messages API (httpx2)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from seology_pipeline.analysis.analyst import AnalysisOutcome, analyse_site
from seology_pipeline.analysis.claude_api import make_client
from seology_pipeline.analysis.settings import AnalysisSettings
from seology_pipeline.db.engine import session_factory
from seology_pipeline.db.models import (
    DEFAULT_PLANS,
    Crawl,
    CrawlStatus,
    Plan,
    SeoIssue,
    SiteConnection,
    Subscription,
    SubscriptionStatus,
    User,
)
from seology_pipeline_tests.databases import migrated_engine, sqlite_url, temporary_pg_database

API_KEY = "sk-ant-test-SECRET-4242"
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
ROOT = "https://shop.example.com/"
DATA = re.compile(r"<site_data>\n(.*)\n</site_data>", re.S)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with migrated_engine(sqlite_url(tmp_path)) as engine:
        yield engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as session:
        yield session


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated app database on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        with migrated_engine(sqlite_url(tmp_path)) as engine:
            yield engine
        return
    with temporary_pg_database("seology_analysis") as url, migrated_engine(url) as engine:
        yield engine


@pytest.fixture
def any_session(any_engine: Engine) -> Iterator[Session]:
    with session_factory(any_engine)() as session:
        yield session


@dataclass
class Seeded:
    site_id: str
    user_id: str
    crawl_id: int
    issue_ids: list[int]


def seed_site(
    session: Session,
    issues: list[dict[str, Any]],
    *,
    plan: str = "pro",
    site_id: str = "site-1",
    user_id: str = "user-1",
    root_url: str = ROOT,
) -> Seeded:
    """A user with a plan, a site, a previous and a current crawl, and open issues."""
    if session.get(Plan, plan) is None:
        session.execute(insert(Plan), list(DEFAULT_PLANS))
    session.add(User(id=user_id, email=f"{user_id}@example.com"))
    session.add(Subscription(user_id=user_id, plan_code=plan, status=SubscriptionStatus.ACTIVE))
    session.add(SiteConnection(id=site_id, user_id=user_id, root_url=root_url, name="Shop"))
    session.flush()
    previous = Crawl(
        site_id=site_id,
        status=CrawlStatus.COMPLETED,
        started_at=NOW - timedelta(days=7),
        finished_at=NOW - timedelta(days=7),
        max_pages=100,
        pages_crawled=40,
        issues_found=30,
        health_score=70.0,
    )
    current = Crawl(
        site_id=site_id,
        status=CrawlStatus.COMPLETED,
        is_current=True,
        started_at=NOW - timedelta(hours=1),
        finished_at=NOW - timedelta(minutes=50),
        max_pages=100,
        pages_crawled=50,
        issues_found=len(issues),
        health_score=72.5,
    )
    session.add_all([previous, current])
    session.flush()
    rows = [
        {
            "site_id": site_id,
            "rule_code": spec.get("rule_code", "missing_title"),
            "category": spec.get("category", "meta"),
            "severity": spec.get("severity", "high"),
            "url": spec.get("url", f"{root_url}page-{n}"),
            "message": spec.get("message", f"Problem {n}"),
            "evidence": spec.get("evidence", {}),
            "fingerprint": f"{site_id}-{n}",
            "first_seen_crawl_id": current.id,
            "last_seen_crawl_id": current.id,
        }
        for n, spec in enumerate(issues)
    ]
    if rows:
        session.execute(insert(SeoIssue), rows)
    session.flush()
    ids = sorted(session.scalars(select(SeoIssue.id).where(SeoIssue.site_id == site_id)))
    session.commit()  # committed, as the quota reservation reads it in its own transaction
    return Seeded(site_id=site_id, user_id=user_id, crawl_id=current.id, issue_ids=ids)


BASIC_ISSUES: list[dict[str, Any]] = [
    {"rule_code": "noindex_page", "category": "indexability", "severity": "critical"},
    {"rule_code": "noindex_page", "category": "indexability", "severity": "critical"},
    {"rule_code": "missing_title", "category": "meta", "severity": "high"},
    {"rule_code": "broken_link", "category": "links", "severity": "medium"},
    {"rule_code": "missing_alt", "category": "images", "severity": "low"},
]


def sent_payload(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON document inside the data tags of a request body."""
    content = body["messages"][0]["content"]
    match = DATA.search(content)
    assert match, "no <site_data> block in the user message"
    return json.loads(match.group(1))


def good_analysis(body: dict[str, Any]) -> dict[str, Any]:
    """A schema-valid answer that references the example issues the request carried."""
    payload = sent_payload(body)
    ids = [e["id"] for g in payload.get("groups", []) for e in g["examples"]]
    return {
        "summary": "The site has indexability problems.",
        "actions": [
            {
                "title": "Remove noindex from product pages",
                "rationale": "Critical pages are excluded from search.",
                "issue_ids": ids[:2],
                "category": "indexability",
                "severity": "critical",
                "impact": "high",
                "effort": "low",
                "affected_urls": [f"{ROOT}page-0"],
            }
        ],
        "quick_wins": [
            {"title": "Add missing titles", "rationale": "Cheap fix.", "issue_ids": ids[2:3]}
        ],
    }


def message_body(
    text: str, stop_reason: str = "end_turn", usage: dict[str, int] | None = None
) -> dict[str, Any]:
    return {
        "id": "msg_test_0001",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-5-5",
        "content": [{"type": "text", "text": text}],
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": usage
        or {
            "input_tokens": 1200,
            "output_tokens": 300,
            "cache_creation_input_tokens": 800,
            "cache_read_input_tokens": 0,
        },
    }


Responder = Callable[[dict[str, Any], int], httpx2.Response]


def reply_with(make: Callable[[dict[str, Any]], dict[str, Any]] = good_analysis) -> Responder:
    """A responder answering every /v1/messages call with ``make(request body)`` as JSON text."""

    def respond(body: dict[str, Any], _attempt: int) -> httpx2.Response:
        return httpx2.Response(200, json=message_body(json.dumps(make(body))))

    return respond


@dataclass
class FakeMessagesAPI:
    """A fake Messages API: records requests; ``respond`` answers /v1/messages."""

    respond: Responder = field(default_factory=reply_with)
    requests: list[httpx2.Request] = field(default_factory=list)
    message_bodies: list[dict[str, Any]] = field(default_factory=list)
    count_bodies: list[dict[str, Any]] = field(default_factory=list)
    chars_per_token: float = 3.5

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        body = json.loads(request.content)
        if request.url.path == "/v1/messages/count_tokens":
            self.count_bodies.append(body)
            size = len(json.dumps(body["system"])) + len(body["messages"][0]["content"])
            size += len(json.dumps(body.get("output_config", {})))
            return httpx2.Response(200, json={"input_tokens": int(size / self.chars_per_token)})
        assert request.url.path == "/v1/messages", request.url.path
        self.message_bodies.append(body)
        return self.respond(body, len(self.message_bodies))


@pytest.fixture
def api() -> FakeMessagesAPI:
    return FakeMessagesAPI()


def claude_settings(**overrides: Any) -> AnalysisSettings:
    values: dict[str, Any] = {
        "mode": "claude",
        "api_key": API_KEY,
        "base_url": "https://api.anthropic.test",
        "max_retries": 2,
        "timeout_seconds": 5,
    }
    return AnalysisSettings(**(values | overrides))


def mock_client(settings: AnalysisSettings, api: FakeMessagesAPI):
    return make_client(settings, http_client=httpx2.Client(transport=httpx2.MockTransport(api)))


def run_analysis(
    session: Session,
    api: FakeMessagesAPI,
    issues: list[dict[str, Any]] = BASIC_ISSUES,
    **settings_overrides: Any,
) -> tuple[Seeded, AnalysisOutcome]:
    """Seed a site with ``issues`` and analyse it through the fake API."""
    seeded = seed_site(session, issues)
    settings = claude_settings(**settings_overrides)
    client = mock_client(settings, api)
    outcome = analyse_site(session, seeded.site_id, seeded.crawl_id, settings, client, NOW)
    return seeded, outcome
