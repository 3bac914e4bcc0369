"""Queries behind the sensors and entry points: which sites are new, due, gone or valid."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from seology_pipeline.db.models import AuditLog, CrawlFrequency, SiteConnection
from seology_pipeline.names import MAX_SITE_ID_LENGTH

RECRAWL_INTERVALS = {
    CrawlFrequency.DAILY: timedelta(days=1),
    CrawlFrequency.WEEKLY: timedelta(days=7),
    CrawlFrequency.MONTHLY: timedelta(days=30),
}


@dataclass(frozen=True, slots=True)
class SiteCursor:
    """Position in the stream of site connections, ordered by (created_at, id)."""

    created_at: datetime
    site_id: str


def new_active_sites(
    session: Session, after: SiteCursor | None, limit: int
) -> list[tuple[str, datetime]]:
    """Active sites created after ``after``, oldest first, at most ``limit``."""
    query = select(SiteConnection.id, SiteConnection.created_at).where(
        SiteConnection.is_active.is_(True)
    )
    if after is not None:
        query = query.where(
            or_(
                SiteConnection.created_at > after.created_at,
                and_(
                    SiteConnection.created_at == after.created_at,
                    SiteConnection.id > after.site_id,
                ),
            )
        )
    query = query.order_by(SiteConnection.created_at, SiteConnection.id).limit(limit)
    return [(site_id, created) for site_id, created in session.execute(query)]


def sites_due_for_recrawl(
    session: Session, now: datetime, limit: int, skip: Collection[str] = ()
) -> list[tuple[str, datetime]]:
    """Active sites whose crawl frequency says a new crawl is due, most overdue first.

    Returns ``(site_id, last_crawled_at)``; sites in ``skip`` (a run already queued or running)
    and sites never crawled (the new-site sensor's job) are left out.
    """
    due: list[tuple[datetime, str, datetime]] = []
    for frequency, interval in RECRAWL_INTERVALS.items():
        rows = session.execute(
            select(SiteConnection.id, SiteConnection.last_crawled_at)
            .where(
                SiteConnection.is_active.is_(True),
                SiteConnection.crawl_frequency == frequency,
                SiteConnection.last_crawled_at.is_not(None),
                SiteConnection.last_crawled_at <= now - interval,
            )
            .order_by(SiteConnection.last_crawled_at)
            .limit(limit + len(skip))
        )
        due.extend((last + interval, site_id, last) for site_id, last in rows)
    due.sort()
    return [(site_id, last) for _, site_id, last in due if site_id not in skip][:limit]


def inactive_or_missing(session: Session, site_ids: Collection[str]) -> set[str]:
    """The ids among ``site_ids`` that are deleted or deactivated."""
    if not site_ids:
        return set()
    active: set[str] = set()
    ids = list(site_ids)
    for start in range(0, len(ids), 1000):
        active.update(
            session.scalars(
                select(SiteConnection.id).where(
                    SiteConnection.id.in_(ids[start : start + 1000]),
                    SiteConnection.is_active.is_(True),
                )
            )
        )
    return set(ids) - active


def was_refused(session: Session, run_id: str) -> bool:
    """Whether the run was refused (crawl or analysis): its refusal already told the owner."""
    return (
        session.scalar(
            select(AuditLog.id)
            .where(AuditLog.run_id == run_id, AuditLog.action.like("%.refused"))
            .limit(1)
        )
        is not None
    )


class SiteRequestError(ValueError):
    """Work was asked for a site that cannot have it; the message is one line."""


def shown(value: str, limit: int = 60) -> str:
    """``value`` quoted for a one-line message, shortened when long."""
    return repr(value) if len(value) <= limit else f"{value[:limit]!r}… ({len(value)} characters)"


def check_site_request(session: Session, site_id: str, user_id: str | None) -> SiteConnection:
    """The active site ``site_id``, owned by ``user_id`` when given; else :class:`SiteRequestError`.

    Checked before anything (a partition, a run) is registered for the site.
    """
    if not site_id.strip() or len(site_id) > MAX_SITE_ID_LENGTH:
        raise SiteRequestError(
            f"site id must be 1 to {MAX_SITE_ID_LENGTH} characters, got {shown(site_id)}"
        )
    site = session.get(SiteConnection, site_id)
    if site is None:
        raise SiteRequestError(f"site {shown(site_id)} does not exist")
    if not site.is_active:
        raise SiteRequestError(f"site {shown(site_id)} is deactivated")
    if user_id is not None and site.user_id != user_id:
        raise SiteRequestError(f"user {shown(user_id)} does not own site {shown(site_id)}")
    return site
