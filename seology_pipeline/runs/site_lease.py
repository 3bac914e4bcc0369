"""One writer per site, enforced by the database: a crawl's ``running`` row is the site's lease.

A unique index allows one ``running`` crawl per site (PostgreSQL and SQLite alike), and on
PostgreSQL the site row is locked (``SELECT … FOR UPDATE``) while the lease is taken, so two
crawls of one site — launched by Dagster, the CLI or a test — can never both write. The lease is
taken, with the quota reservation, in one transaction before the crawl writes anything, renewed
by a heartbeat with every batch of pages, and given back when the crawl completes, fails or is
reaped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from seology_pipeline.accounts import month_key, release_crawl, reserve_crawl
from seology_pipeline.activity import record_audit
from seology_pipeline.db.models import Crawl, CrawlStatus, Link, Page, SiteConnection


class SiteBusyError(RuntimeError):
    """Another crawl of the site is running; the message says which and since when."""


class CrawlLostError(RuntimeError):
    """The crawl no longer holds its site's lease (it was reaped as dead); it must stop."""


def _busy(site_id: str, holder: Crawl | None) -> SiteBusyError:
    if holder is None:
        return SiteBusyError(f"site {site_id!r} is already being crawled; try again when it ends")
    return SiteBusyError(
        f"site {site_id!r} is already being crawled (crawl {holder.id}, run "
        f"{holder.run_id or '-'}, started {holder.started_at:%Y-%m-%d %H:%M:%S} UTC); "
        "try again when it ends"
    )


def take_site(
    session: Session,
    *,
    site_id: str,
    user_id: str,
    run_id: str | None,
    max_pages: int,
    month: str,
    now: datetime,
) -> Crawl:
    """Take the site's lease and reserve one crawl of the owner's quota; returns the new crawl.

    Raises :class:`SiteBusyError` while another crawl of the site runs and
    :class:`~seology_pipeline.accounts.QuotaExceededError` when the month's crawls are used up;
    either way the caller's transaction must roll back (nothing is kept). No commit.
    """
    session.execute(select(SiteConnection.id).where(SiteConnection.id == site_id).with_for_update())
    running = select(Crawl).where(Crawl.site_id == site_id, Crawl.status == CrawlStatus.RUNNING)
    holder = session.scalar(running)
    if holder is not None:
        raise _busy(site_id, holder)
    reserve_crawl(session, user_id, max_pages, month)
    crawl = Crawl(
        site_id=site_id,
        run_id=run_id,
        status=CrawlStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        max_pages=max_pages,
    )
    session.add(crawl)
    try:
        session.flush()
    except IntegrityError:  # a concurrent crawl took the lease first (the unique index)
        raise _busy(site_id, None) from None
    return crawl


def heartbeat(session: Session, crawl_id: int, now: datetime, **values: object) -> None:
    """Renew the lease (and set ``values`` on the crawl); :class:`CrawlLostError` if it is gone."""
    renewed = session.execute(
        update(Crawl)
        .where(Crawl.id == crawl_id, Crawl.status == CrawlStatus.RUNNING)
        .values(heartbeat_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if renewed.rowcount != 1:
        error = session.scalar(select(Crawl.error).where(Crawl.id == crawl_id))
        raise CrawlLostError(f"crawl {crawl_id} lost its site's lease: {error or 'not running'}")


def give_up_site(
    session: Session, crawl_id: int, error: str, *, now: datetime, action: str
) -> bool:
    """End a running crawl as failed: drop its rows, hand back its quota, log ``action``.

    Returns ``False`` (and changes nothing) when the crawl is no longer running. No commit.
    """
    failed = session.execute(
        update(Crawl)
        .where(Crawl.id == crawl_id, Crawl.status == CrawlStatus.RUNNING)
        .values(status=CrawlStatus.FAILED, finished_at=now, pages_crawled=0, error=error[:2000])
        .execution_options(synchronize_session=False)
    )
    if failed.rowcount != 1:
        return False
    session.execute(delete(Link).where(Link.crawl_id == crawl_id))
    session.execute(delete(Page).where(Page.crawl_id == crawl_id))
    crawl = session.get_one(Crawl, crawl_id, populate_existing=True)
    owner = session.scalar(select(SiteConnection.user_id).where(SiteConnection.id == crawl.site_id))
    if owner is not None:
        release_crawl(session, owner, month_key(crawl.started_at))
    record_audit(
        session,
        action,
        user_id=owner,
        site_id=crawl.site_id,
        run_id=crawl.run_id,
        crawl_id=crawl_id,
        error=error[:500],
    )
    return True
