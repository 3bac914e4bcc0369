"""A site's trend: health score and issue counts of each audited crawl, oldest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from seology_pipeline.db.models import Crawl, CrawlStatus, Severity, SiteConnection
from seology_pipeline.report.data import ReportError


def site_history(session: Session, site_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """One row per audited crawl of ``site_id`` (the latest ``limit``), oldest first: when,
    pages, health score, open issues by severity, and new/resolved against the crawl before."""
    if session.get(SiteConnection, site_id) is None:
        raise ReportError(f"no site {site_id!r}")
    crawls = session.scalars(
        select(Crawl)
        .where(Crawl.site_id == site_id, Crawl.status == CrawlStatus.COMPLETED)
        .where(Crawl.health_score.is_not(None))
        .order_by(Crawl.started_at.desc(), Crawl.id.desc())
        .limit(limit)
    ).all()
    rows = []
    for crawl in reversed(crawls):
        summary = crawl.summary or {}
        by_severity = summary.get("by_severity", {})
        diff = summary.get("diff", {})
        rows.append(
            {
                "crawl": crawl.id,
                "finished": (crawl.finished_at or crawl.started_at).strftime("%Y-%m-%d %H:%M"),
                "pages": crawl.pages_crawled,
                "health": round(crawl.health_score or 0),
                "issues": crawl.issues_found,
                **{str(s): by_severity.get(str(s), 0) for s in Severity},
                "new": diff.get("new", 0),
                "resolved": diff.get("resolved", 0),
            }
        )
    return rows
