"""One crawl of one site, from the checks before it to the snapshot swap after it.

The previous crawl stays the site's *current* snapshot until :meth:`SnapshotWriter.complete`
swaps it in one transaction; a crawl that fails (or a swap that fails half-way) leaves the
previous snapshot exactly as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Select, delete, insert, select, update
from sqlalchemy.orm import Session

from seology_pipeline.accounts import (
    QuotaExceededError,
    check_crawl_quota,
    increment_usage,
    month_key,
)
from seology_pipeline.activity import notify, record_audit
from seology_pipeline.crawl.records import PageRecord, SiteFacts
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    Crawl,
    CrawlStatus,
    Link,
    Page,
    SiteConnection,
    User,
    utcnow,
)
from seology_pipeline.names import MAX_PAGES
from seology_pipeline.runs.reaper import RunAlive, reap_site
from seology_pipeline.runs.site_lease import SiteBusyError, give_up_site, heartbeat, take_site
from seology_pipeline.settings import crawl_stale_after

PROGRESS_EVERY_S = 2.0
"""Pages are written (and the crawl's page count shown as progress) at least this often."""


class CrawlRefusedError(RuntimeError):
    """The crawl must not run (unknown or inactive site, wrong user, quota); never retried."""

    def __init__(
        self,
        message: str,
        *,
        site_id: str,
        owner_id: str | None,
        requested_by: str | None = None,
    ) -> None:
        super().__init__(message)
        self.site_id = site_id
        self.owner_id = owner_id
        self.requested_by = requested_by


@dataclass(frozen=True, slots=True)
class CrawlPlan:
    """What an allowed crawl will do."""

    site_id: str
    user_id: str
    root_url: str
    max_pages: int
    plan_code: str
    site_settings: dict[str, Any] = field(default_factory=dict)


def plan_crawl(
    session: Session, site_id: str, *, max_pages: int | None, user_id: str | None, month: str
) -> CrawlPlan:
    """Check that the crawl may run and cap its pages; raise :class:`CrawlRefusedError` if not."""
    site = session.get(SiteConnection, site_id)
    if site is None:
        raise CrawlRefusedError(
            f"site {site_id!r} does not exist", site_id=site_id, owner_id=None, requested_by=user_id
        )

    def refuse(message: str) -> CrawlRefusedError:
        return CrawlRefusedError(
            message, site_id=site_id, owner_id=site.user_id, requested_by=user_id
        )

    if user_id is not None and user_id != site.user_id:
        raise refuse(f"user {user_id!r} does not own site {site_id!r}")
    if not site.is_active:
        raise refuse(f"site {site_id!r} is deactivated")
    requested = site.default_max_pages if max_pages is None else max_pages
    if not 1 <= requested <= MAX_PAGES:
        raise refuse(f"max_pages must be between 1 and {MAX_PAGES}, got {requested}")
    try:
        allowance = check_crawl_quota(session, site.user_id, requested, month)
    except QuotaExceededError as exc:
        raise refuse(str(exc)) from None
    return CrawlPlan(
        site_id=site.id,
        user_id=site.user_id,
        root_url=site.root_url,
        max_pages=allowance.max_pages,
        plan_code=allowance.plan_code,
        site_settings=dict(site.settings or {}),
    )


def record_refusal(engine: Engine, error: CrawlRefusedError, run_id: str | None) -> None:
    """Write the refusal's audit-log entry and tell the owner; nothing else is written."""
    with session_scope(engine) as session:
        requester = error.requested_by if session.get(User, error.requested_by or "") else None
        record_audit(
            session,
            "crawl.refused",
            user_id=requester or error.owner_id,
            site_id=error.site_id if error.owner_id else None,
            run_id=run_id,
            requested_site_id=error.site_id,
            requested_by=error.requested_by,
            reason=str(error),
        )
        if error.owner_id:
            notify(
                session,
                "crawl_refused",
                "Crawl not started",
                str(error),
                user_id=error.owner_id,
                site_id=error.site_id,
            )


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    crawl_id: int
    pages: int
    html_pages: int
    home_status: int | None
    duration_s: float
    facts: dict[str, Any]


class SnapshotWriter:
    """Streams a crawl's pages into the database in batches, then swaps the snapshot atomically.

    Pages are written to a new ``crawls`` row that is not current; readers keep seeing the
    previous crawl until :meth:`complete` commits.
    """

    def __init__(
        self, engine: Engine, plan: CrawlPlan, *, run_id: str | None, batch_size: int = 200
    ) -> None:
        self.engine = engine
        self.plan = plan
        self.run_id = run_id
        self.batch_size = batch_size
        self.crawl_id: int | None = None
        self.pages_seen = 0
        self.pages_written = 0
        self.html_pages = 0
        self.home_status: int | None = None
        self._buffer: list[PageRecord] = []
        self.stale_after = crawl_stale_after()
        self._last_write = time.monotonic()

    def start(
        self,
        now: datetime,
        *,
        stale_after: timedelta | None = None,
        run_alive: RunAlive | None = None,
    ) -> int:
        """Take the site's lease and reserve the crawl in the quota, before anything is written.

        Dead crawls of the site are reaped first (see :mod:`seology_pipeline.runs.reaper`; an
        earlier attempt of this same run is always dead). Raises :class:`CrawlRefusedError`
        while another crawl of the site runs or when the month's crawls are used up.
        """
        self.stale_after = stale_after or self.stale_after
        with session_scope(self.engine) as session:
            reap_site(
                session,
                self.plan.site_id,
                now=now,
                stale_after=self.stale_after,
                run_alive=self._others_alive(run_alive),
            )
            try:
                crawl = take_site(
                    session,
                    site_id=self.plan.site_id,
                    user_id=self.plan.user_id,
                    run_id=self.run_id,
                    max_pages=self.plan.max_pages,
                    month=month_key(now),
                    now=now,
                )
            except (SiteBusyError, QuotaExceededError) as exc:
                raise CrawlRefusedError(
                    str(exc), site_id=self.plan.site_id, owner_id=self.plan.user_id
                ) from None
            record_audit(
                session,
                "crawl.started",
                user_id=self.plan.user_id,
                site_id=self.plan.site_id,
                run_id=self.run_id,
                max_pages=self.plan.max_pages,
            )
            self.crawl_id = crawl.id
        self._last_write = time.monotonic()
        return crawl.id

    def _others_alive(self, run_alive: RunAlive | None) -> RunAlive:
        def alive(run_id: str) -> bool | None:
            if self.run_id is not None and run_id == self.run_id:
                return False  # an earlier attempt of this run: a run runs one attempt at a time
            return run_alive(run_id) if run_alive else None

        return alive

    def add(self, page: PageRecord) -> None:
        """Buffer one page; write a batch when the buffer is full."""
        self.pages_seen += 1
        if self.home_status is None and page.depth == 0:
            self.home_status = page.status
        if page.is_html and page.status == 200:
            self.html_pages += 1
        self._buffer.append(page)
        beat_every = min(self.stale_after.total_seconds() / 10, PROGRESS_EVERY_S)
        beat_due = time.monotonic() - self._last_write > beat_every
        if len(self._buffer) >= self.batch_size or beat_due:
            self.flush()

    def flush(self) -> None:
        """Write buffered pages and their links in one short transaction; renew the lease.

        Raises :class:`~seology_pipeline.runs.site_lease.CrawlLostError` when the crawl was
        reaped meanwhile (nothing of the batch is written).
        """
        if not self._buffer:
            return
        assert self.crawl_id is not None, "start() first"
        pages, links = [], []
        for record in self._buffer:
            pages.append(_page_row(record, self.crawl_id, self.plan.site_id))
            links.extend(_link_rows(record, self.crawl_id))
        with session_scope(self.engine) as session:
            heartbeat(
                session, self.crawl_id, utcnow(), pages_crawled=self.pages_written + len(pages)
            )
            session.execute(insert(Page), pages)
            if links:
                session.execute(insert(Link), links)
        self.pages_written += len(pages)
        self._last_write = time.monotonic()
        self._buffer.clear()

    def complete(
        self,
        facts: SiteFacts,
        *,
        month: str,
        now: datetime,
        then: Callable[[Session], None] | None = None,
    ) -> CrawlOutcome:
        """Make this crawl the site's current snapshot, in one transaction.

        Also drops the pages and links of the finished crawls it supersedes (their ``crawls``
        rows stay as history), counts the pages (the crawl itself was counted by :meth:`start`)
        and writes the audit-log entry. ``then`` (the audit's writes) runs last in the same
        transaction, so the snapshot becomes current only together with its issues. Raises
        :class:`~seology_pipeline.runs.site_lease.CrawlLostError` if the crawl was reaped.
        """
        self.flush()
        assert self.crawl_id is not None, "start() first"
        with session_scope(self.engine) as session:
            heartbeat(session, self.crawl_id, now)
            older = superseded_crawls(self.plan.site_id, self.crawl_id)
            session.execute(delete(Link).where(Link.crawl_id.in_(older)))
            session.execute(delete(Page).where(Page.crawl_id.in_(older)))
            session.execute(
                update(Crawl).where(Crawl.site_id == self.plan.site_id).values(is_current=False)
            )
            crawl = session.get_one(Crawl, self.crawl_id)
            crawl.status = CrawlStatus.COMPLETED
            crawl.is_current = True
            crawl.finished_at = now
            crawl.pages_crawled = self.pages_written
            crawl.site_facts = facts.to_dict()
            session.get_one(SiteConnection, self.plan.site_id).last_crawled_at = now
            increment_usage(session, self.plan.user_id, month, pages=self.pages_written)
            duration = (now - crawl.started_at).total_seconds()
            record_audit(
                session,
                "crawl.completed",
                user_id=self.plan.user_id,
                site_id=self.plan.site_id,
                run_id=self.run_id,
                crawl_id=self.crawl_id,
                pages=self.pages_written,
                duration_s=round(duration, 3),
            )
            if then is not None:
                then(session)
        return CrawlOutcome(
            crawl_id=self.crawl_id,
            pages=self.pages_written,
            html_pages=self.html_pages,
            home_status=self.home_status,
            duration_s=duration,
            facts=facts.to_dict(),
        )

    def fail(self, error: str, *, now: datetime) -> None:
        """Drop what this crawl wrote and keep its row as a failed crawl.

        The owner hears of it once the run has failed for good (the `job_runs` sensor), not
        after each attempt the retry policy makes.
        """
        self._buffer.clear()
        if self.crawl_id is None:
            return
        with session_scope(self.engine) as session:
            give_up_site(session, self.crawl_id, error, now=now, action="crawl.failed")


def superseded_crawls(site_id: str, crawl_id: int) -> Select[tuple[int]]:
    """The crawls of the site that ``crawl_id`` supersedes: every finished one but itself.

    A crawl still running is never among them: its rows are its own until it ends.
    """
    return select(Crawl.id).where(
        Crawl.site_id == site_id, Crawl.id != crawl_id, Crawl.status != CrawlStatus.RUNNING
    )


def _page_row(record: PageRecord, crawl_id: int, site_id: str) -> dict[str, Any]:
    directives = sorted(record.robots_directives)
    return {
        "crawl_id": crawl_id,
        "site_id": site_id,
        "url": record.url,
        "final_url": record.final_url,
        "status_code": record.status,
        "redirect_chain": [
            {"url": h.url, "status": h.status, "kind": str(h.kind)} for h in record.redirect_chain
        ],
        "content_type": (record.content_type or None) and record.content_type[:200],
        "size_bytes": record.size_bytes,
        "ttfb_ms": record.ttfb_ms,
        "load_ms": record.load_ms,
        "depth": record.depth,
        "title": record.title,
        "meta_description": record.meta_description,
        "h1": record.h1_texts[0] if record.h1_texts else None,
        "canonical": record.canonical,
        "robots": ",".join(directives)[:500] or None,
        "lang": (record.lang or None) and record.lang[:35],
        "word_count": record.word_count,
        "content_hash": record.content_hash,
        "in_sitemap": record.in_sitemap,
        "error_kind": str(record.error_kind) if record.error_kind else None,
        "record": record.to_dict(),
    }


def _link_rows(record: PageRecord, crawl_id: int) -> list[dict[str, Any]]:
    return [
        {
            "crawl_id": crawl_id,
            "source_url": record.url,
            "target_url": link.url,
            "href": link.href,
            "anchor": link.anchor,
            "rel": (link.rel or "")[:200],
            "is_internal": link.internal,
            "is_crawlable": link.crawlable,
        }
        for link in record.links
    ]


def current_crawl(session: Session, site_id: str) -> Crawl | None:
    """The site's current (last completed) crawl."""
    return session.scalar(select(Crawl).where(Crawl.site_id == site_id, Crawl.is_current.is_(True)))


def load_page_records(session: Session, crawl_id: int) -> list[PageRecord]:
    """The crawl's page records, as the crawler produced them."""
    rows = session.scalars(select(Page.record).where(Page.crawl_id == crawl_id).order_by(Page.id))
    return [PageRecord.from_dict(row) for row in rows]
