"""A site that answers fast until told to be slow, and the state a canceled crawl must not touch.

with serve_slow_site() as site:
    seed_snapshot(engine, site)  # a fast first crawl: the site's current snapshot and issues
    site.slow.set()  # from now on each page takes PAGE_DELAY_S
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from seology_pipeline.accounts import month_key
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Crawl, CrawlStatus, SeoIssue
from seology_pipeline.runs.crawl_run import plan_crawl
from seology_pipeline.runs.site_run import crawl_and_audit, site_crawl_settings
from seology_pipeline_tests.sites import Request, Response, page, serve_site

PAGES = 40
PAGE_DELAY_S = 6.0


@dataclass
class SlowSite:
    url: str
    slow: threading.Event
    page_requests: list[str]
    """Pages requested while slow."""


@contextmanager
def serve_slow_site() -> Iterator[SlowSite]:
    """A home page linking ``PAGES`` pages (one without a title: an issue to keep)."""
    slow = threading.Event()
    requested: list[str] = []

    def child(request: Request) -> Response:
        title = "" if request.path == "/p0" else f"<title>Page {request.path}</title>"
        delay = 0.0
        if slow.is_set():
            requested.append(request.path)
            delay = PAGE_DELAY_S
        return Response(
            200, {"Content-Type": "text/html"}, f"<html>{title}<h1>p</h1></html>", delay
        )

    links = "".join(f'<a href="/p{i}">page {i}</a>' for i in range(PAGES))
    routes: dict[str, Any] = {"/": page(f"<title>Slow site</title><body>{links}</body>")}
    routes |= {f"/p{i}": child for i in range(PAGES)}
    with serve_site(routes) as site:
        yield SlowSite(site.url, slow, requested)


def seed_snapshot(engine: Engine, site_id: str, user_id: str) -> int:
    """Crawl the (fast) site once without Dagster; returns the current crawl's id."""
    month = month_key()
    with session_scope(engine) as session:
        plan = plan_crawl(session, site_id, max_pages=PAGES + 1, user_id=user_id, month=month)
    settings = site_crawl_settings(
        plan.root_url, plan.max_pages, allow_private_networks=True, render_mode="never"
    )
    return crawl_and_audit(engine, plan, settings, month=month, run_id=None).crawl.crawl_id


def site_state(engine: Engine, site_id: str) -> dict[str, Any]:
    """What a canceled crawl must leave as it was: the current crawl, every issue's state."""
    with session_scope(engine) as session:
        current = session.scalars(
            select(Crawl.id).where(Crawl.site_id == site_id, Crawl.is_current)
        ).all()
        issues = session.execute(
            select(
                SeoIssue.id,
                SeoIssue.fingerprint,
                SeoIssue.status,
                SeoIssue.change,
                SeoIssue.last_seen_crawl_id,
                SeoIssue.last_seen_at,
                SeoIssue.resolved_at,
            )
            .where(SeoIssue.site_id == site_id)
            .order_by(SeoIssue.id)
        ).all()
        running = session.scalars(
            select(Crawl.id).where(Crawl.site_id == site_id, Crawl.status == CrawlStatus.RUNNING)
        ).all()
    return {"current": list(current), "issues": [tuple(row) for row in issues], "running": running}
