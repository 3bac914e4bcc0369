"""The reaper: crawls left ``running`` by a dead run are marked failed and their rows removed.

A crawl is dead when its heartbeat (written with every batch of pages) is older than a bound, or
when the caller knows its run has ended (the Dagster run status, or a new attempt of the same
run). Reaping is one conditional ``UPDATE … WHERE status = 'running'``, so it never races with a
crawl that is still writing: that crawl notices at its next batch and stops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Crawl, CrawlStatus
from seology_pipeline.runs.site_lease import give_up_site

RunAlive = Callable[[str], bool | None]
"""Tells whether a run is alive: ``False`` for a run known to have ended, else ``True``/``None``."""


@dataclass(frozen=True, slots=True)
class ReapedCrawl:
    crawl_id: int
    site_id: str
    run_id: str | None
    reason: str


def death_reason(
    crawl: Crawl, *, now: datetime, stale_after: timedelta, run_alive: RunAlive | None = None
) -> str | None:
    """Why the running ``crawl`` is dead, or ``None`` while it may still be alive."""
    if crawl.run_id and run_alive is not None and run_alive(crawl.run_id) is False:
        return f"its run {crawl.run_id} is no longer running"
    beat = crawl.heartbeat_at or crawl.started_at
    if now - beat > stale_after:
        return f"no heartbeat since {beat:%Y-%m-%d %H:%M:%S} UTC (over {stale_after})"
    return None


def _reap(session: Session, crawl: Crawl, reason: str, now: datetime) -> bool:
    return give_up_site(session, crawl.id, f"reaped: {reason}", now=now, action="crawl.reaped")


def reap_site(
    session: Session,
    site_id: str,
    *,
    now: datetime,
    stale_after: timedelta,
    run_alive: RunAlive | None = None,
) -> list[ReapedCrawl]:
    """Reap the dead running crawls of one site (before its next crawl starts). No commit."""
    running = session.scalars(
        select(Crawl).where(Crawl.site_id == site_id, Crawl.status == CrawlStatus.RUNNING)
    ).all()
    reaped = []
    for crawl in running:
        reason = death_reason(crawl, now=now, stale_after=stale_after, run_alive=run_alive)
        if reason and _reap(session, crawl, reason, now):
            reaped.append(ReapedCrawl(crawl.id, crawl.site_id, crawl.run_id, reason))
    return reaped


def reap_dead_crawls(
    engine: Engine,
    *,
    now: datetime,
    stale_after: timedelta,
    run_alive: RunAlive | None = None,
) -> list[ReapedCrawl]:
    """Reap every dead running crawl, each in its own transaction; returns what was reaped."""
    with session_scope(engine) as session:
        running = session.scalars(select(Crawl).where(Crawl.status == CrawlStatus.RUNNING)).all()
    reaped = []
    for crawl in running:
        reason = death_reason(crawl, now=now, stale_after=stale_after, run_alive=run_alive)
        if reason is None:
            continue
        with session_scope(engine) as session:
            if _reap(session, crawl, reason, now):
                reaped.append(ReapedCrawl(crawl.id, crawl.site_id, crawl.run_id, reason))
    return reaped


def last_heartbeat(session: Session, run_id: str) -> datetime | None:
    """The newest heartbeat (or start) of the crawls ``run_id`` ran, or ``None``."""
    beat = func.coalesce(Crawl.heartbeat_at, Crawl.started_at)
    return session.scalar(select(func.max(beat)).where(Crawl.run_id == run_id))
