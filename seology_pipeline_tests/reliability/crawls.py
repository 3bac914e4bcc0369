"""A crawl as the ``crawled_pages`` asset runs it (plan, lease, pages, swap), and slow sites.

Also runnable as a child process for the kill -9 test::

    python -m seology_pipeline_tests.reliability.crawls DATABASE_URL SITE_ID RUN_ID
"""

from __future__ import annotations

import sys
from datetime import timedelta

from sqlalchemy import Engine, func, select

from seology_pipeline.accounts import month_key
from seology_pipeline.crawl.crawler import crawl_site
from seology_pipeline.crawl.settings import CrawlSettings
from seology_pipeline.db.engine import make_engine, session_scope
from seology_pipeline.db.models import Crawl, CrawlStatus, Page, UsageRecord, utcnow
from seology_pipeline.runs.crawl_run import CrawlOutcome, SnapshotWriter, plan_crawl
from seology_pipeline_tests.sites import Response, Route, page


def slow_site(pages: int, delay_s: float) -> dict[str, Route]:
    """A home page linking to ``pages`` pages that each take ``delay_s`` to answer."""
    links = "".join(f'<a href="/p{i}">page {i}</a> ' for i in range(pages))
    routes: dict[str, Route] = {"/": page(f"<html><title>Home</title><body>{links}</body></html>")}
    for i in range(pages):
        html = page(f"<html><title>Page {i}</title><body><p>Page {i}.</p></body></html>")
        routes[f"/p{i}"] = Response(html.status, html.headers, html.body, delay_s=delay_s)
    return routes


def crawl_once(
    engine: Engine,
    site_id: str,
    *,
    run_id: str | None = None,
    max_pages: int | None = None,
    batch_size: int = 200,
    stale_after: timedelta | None = None,
) -> CrawlOutcome:
    """Crawl the site to the end; :class:`CrawlRefusedError` if it may not run now."""
    started = utcnow()
    with session_scope(engine) as session:
        plan = plan_crawl(session, site_id, max_pages=max_pages, user_id=None, month=month_key())
    writer = SnapshotWriter(engine, plan, run_id=run_id, batch_size=batch_size)
    writer.start(started, stale_after=stale_after)
    settings = CrawlSettings(
        root_url=plan.root_url,
        max_pages=plan.max_pages,
        private_network_allowlist=("127.0.0.0/8",),
        render_mode="never",
        page_timeout_s=10,
        concurrency=2,
        per_host_concurrency=2,
    )
    try:
        facts = crawl_site(settings, on_page=writer.add)
        return writer.complete(facts, month=month_key(started), now=utcnow())
    except BaseException as exc:
        writer.fail(f"{type(exc).__name__}: {exc}", now=utcnow())
        raise


def crawl_rows(engine: Engine, site_id: str) -> list[tuple[int, CrawlStatus, int, bool, int]]:
    """Each crawl of the site: id, status, pages_crawled, is_current, page rows it holds."""
    held = select(func.count()).where(Page.crawl_id == Crawl.id).scalar_subquery()
    with session_scope(engine) as session:
        return [
            tuple(row)
            for row in session.execute(
                select(Crawl.id, Crawl.status, Crawl.pages_crawled, Crawl.is_current, held)
                .where(Crawl.site_id == site_id)
                .order_by(Crawl.id)
            )
        ]


def running_pages(engine: Engine, site_id: str = "site-1") -> int:
    """Page rows held by the site's running crawl (0 while none runs)."""
    rows = crawl_rows(engine, site_id)
    return rows[-1][4] if rows and rows[-1][1] == CrawlStatus.RUNNING else 0


def crawls_used(engine: Engine, user_id: str = "user-1") -> int:
    with session_scope(engine) as session:
        return session.scalar(
            select(func.coalesce(func.sum(UsageRecord.crawls), 0)).where(
                UsageRecord.user_id == user_id
            )
        )


if __name__ == "__main__":
    url, site, run = sys.argv[1:4]
    crawl_once(make_engine(url), site, run_id=run, batch_size=1)
