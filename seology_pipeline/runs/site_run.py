"""Crawl a site and audit the crawl as one unit: the new snapshot becomes current together with
its issues, in one transaction, or not at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from seology_pipeline.crawl.crawler import CrawlStoppedError, crawl_site
from seology_pipeline.crawl.records import PageRecord
from seology_pipeline.crawl.settings import CrawlSettings
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import utcnow
from seology_pipeline.runs.audit_run import AuditOutcome, evaluate_crawl, record_evaluation
from seology_pipeline.runs.crawl_run import CrawlOutcome, CrawlPlan, SnapshotWriter
from seology_pipeline.runs.reachability import Reachability, one_line
from seology_pipeline.runs.reaper import RunAlive
from seology_pipeline.settings import load_settings

# What a customer may set for their own site (``site_connections.settings["crawl"]``); network
# and browser settings stay the operator's.
SITE_OVERRIDABLE = frozenset(
    {
        "include_patterns",
        "exclude_patterns",
        "max_depth",
        "render_mode",
        "delay_s",
        "obey_robots",
        "include_www",
        "strip_query_params",
        "sitemap_urls",
    }
)


def site_crawl_settings(
    root_url: str, max_pages: int, site_settings: dict[str, Any] | None = None, **operator: Any
) -> CrawlSettings:
    """One crawl's settings: the environment, then the site's own crawl settings, then the
    operator's values that are not ``None``; raises ``SettingsError`` naming a bad value."""
    site_crawl = (site_settings or {}).get("crawl") or {}
    overrides = {k: v for k, v in site_crawl.items() if k in SITE_OVERRIDABLE}
    overrides |= {k: v for k, v in operator.items() if v is not None}
    return load_settings().crawl_settings(root_url=root_url, max_pages=max_pages, **overrides)


@dataclass(frozen=True, slots=True)
class SiteRunOutcome:
    crawl: CrawlOutcome
    audit: AuditOutcome
    robots_error: str | None


def crawl_and_audit(
    engine: Engine,
    plan: CrawlPlan,
    settings: CrawlSettings,
    *,
    month: str,
    run_id: str | None,
    on_progress: Callable[[int], None] | None = None,
    run_alive: RunAlive | None = None,
) -> SiteRunOutcome:
    """Crawl ``plan``'s site, audit the new crawl, then swap it in with its issue history.

    Takes the site's lease first (:class:`~seology_pipeline.runs.crawl_run.CrawlRefusedError`
    while another crawl of the site is alive, ``run_alive`` telling whether a run still is).
    Raises :class:`~seology_pipeline.runs.reachability.SiteUnreachableError` when the site gave no
    answer, and :class:`~seology_pipeline.crawl.crawler.CrawlStoppedError` within seconds once
    ``run_alive`` says this crawl's own run is over (canceled). On any error the crawl is marked
    failed, its lease given back, and the previous snapshot and every issue stay as they were.
    """
    writer = SnapshotWriter(engine, plan, run_id=run_id)
    reachability = Reachability(plan.root_url)

    def on_page(record: PageRecord) -> None:
        writer.add(record)
        reachability.add(record)
        if on_progress is not None:
            on_progress(writer.pages_seen)

    should_stop = _run_over(run_alive, run_id)
    crawl_id = writer.start(utcnow(), run_alive=run_alive)
    try:
        facts = crawl_site(settings, on_page=on_page, should_stop=should_stop)
        reachability.verify(facts)
        writer.flush()
        with session_scope(engine) as session:
            evaluation = evaluate_crawl(session, plan.site_id, crawl_id)
        if should_stop is not None and (reason := should_stop()):
            raise CrawlStoppedError(reason)  # canceled while auditing: nothing becomes current
        audited: list[AuditOutcome] = []
        now = utcnow()

        def record(session: Session) -> None:
            audited.append(record_evaluation(session, evaluation, now, run_id))

        crawl = writer.complete(facts, month=month, now=now, then=record)
    except BaseException as exc:
        writer.fail(failure_text(exc), now=utcnow())
        raise
    return SiteRunOutcome(crawl, audited[0], facts.robots_error)


def failure_text(exc: BaseException) -> str:
    """The error a failed crawl records: the exception and its message, or, for an interrupt
    that carries none, what it means."""
    message = str(exc) or "interrupted before the crawl ended (its process stopped or run canceled)"
    return one_line(f"{type(exc).__name__}: {message}", 2000)


def _run_over(run_alive: RunAlive | None, run_id: str | None) -> Callable[[], str | None] | None:
    """A crawl's ``should_stop``: a reason once ``run_alive`` says its run is over."""
    if run_alive is None or run_id is None:
        return None

    def over() -> str | None:
        return f"its run {run_id} was canceled or has ended" if run_alive(run_id) is False else None

    return over
