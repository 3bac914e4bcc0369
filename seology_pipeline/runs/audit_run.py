"""Audit one crawl of a site (reads only), then record the issues' history in the caller's
transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from seology_pipeline.activity import notify, record_audit
from seology_pipeline.audit.engine import AuditResult, run_audit
from seology_pipeline.audit.history import HistoryDiff, apply_findings
from seology_pipeline.audit.rules import site_config
from seology_pipeline.crawl.records import SiteFacts
from seology_pipeline.db.models import Crawl, IssueStatus, SeoIssue, Severity, SiteConnection
from seology_pipeline.runs.crawl_run import load_page_records
from seology_pipeline.wording import plural

SEVERITY_ORDER = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW]


class NoCrawlError(RuntimeError):
    """The site has no such crawl to audit."""


@dataclass(frozen=True, slots=True)
class AuditOutcome:
    """What an audit run found, in the shapes the asset's metadata needs."""

    site_id: str
    crawl_id: int
    pages_audited: int
    issues_found: int
    health_score: float
    by_severity: dict[str, int]
    by_category: dict[str, int]
    diff: dict[str, int]
    failed_rules: list[str]
    top_issues: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The audit's findings on one crawl, before anything is written."""

    site_id: str
    crawl_id: int
    result: AuditResult
    rechecked_urls: frozenset[str]


def evaluate_crawl(session: Session, site_id: str, crawl_id: int) -> Evaluation:
    """Run the audit rules on crawl ``crawl_id`` of the site; reads only."""
    site = session.get(SiteConnection, site_id)
    crawl = session.get(Crawl, crawl_id)
    if site is None or crawl is None or crawl.site_id != site_id:
        raise NoCrawlError(f"site {site_id!r} has no crawl {crawl_id} to audit")
    config = site_config(site.settings)
    records = load_page_records(session, crawl.id)
    facts = SiteFacts.from_dict(crawl.site_facts or {"root_url": site.root_url})
    answered = [r for r in records if r.status is not None]
    rechecked = {r.url for r in answered} | {r.final_url for r in answered if r.final_url}
    result = run_audit(records, facts, config)
    return Evaluation(site_id, crawl.id, result, frozenset(rechecked))


def record_evaluation(
    session: Session, evaluation: Evaluation, now: datetime, run_id: str | None = None
) -> AuditOutcome:
    """Apply the findings to the site's issue history and store the crawl's summary.

    Writes the issues, the summary, an audit-log entry and the owner's notification in the
    caller's transaction (nothing is committed here). Only issues on URLs the crawl answered
    (and site-wide ones) can become resolved.
    """
    site_id, result = evaluation.site_id, evaluation.result
    site = session.get_one(SiteConnection, site_id)
    crawl = session.get_one(Crawl, evaluation.crawl_id)
    history = apply_findings(
        session, site_id, crawl.id, result.issues, now, evaluation.rechecked_urls
    )

    summary = result.summary
    by_severity = {str(s): 0 for s in SEVERITY_ORDER} | dict(summary.by_severity)
    diff = history.counts()
    failed_rules = [failure.rule_code for failure in result.failed_rules]
    crawl.issues_found = len(result.issues)
    crawl.health_score = summary.health_score
    crawl.summary = {
        "pages_audited": summary.pages_audited,
        "indexable_pages": summary.indexable_pages,
        "issues_found": len(result.issues),
        "by_severity": by_severity,
        "by_category": dict(summary.by_category),
        "by_rule": dict(summary.by_rule),
        "health_score": summary.health_score,
        "diff": diff,
        "previous_crawl_id": history.previous_crawl_id,
        "failed_rules": [
            {"rule": failure.rule_code, "error": failure.error} for failure in result.failed_rules
        ],
    }
    record_audit(
        session,
        "audit.completed",
        user_id=site.user_id,
        site_id=site_id,
        run_id=run_id,
        crawl_id=crawl.id,
        issues=len(result.issues),
        **diff,
    )
    notify(
        session,
        "crawl_completed",
        f"Crawl of {site.name} finished",
        f"{plural(crawl.pages_crawled, 'page')}, {plural(len(result.issues), 'issue')} "
        f"({history.new} new, {history.resolved} resolved{_not_rechecked(history)}); "
        f"health score {summary.health_score:.0f}/100.",
        user_id=site.user_id,
        site_id=site_id,
    )
    session.flush()
    return AuditOutcome(
        site_id=site_id,
        crawl_id=crawl.id,
        pages_audited=summary.pages_audited,
        issues_found=len(result.issues),
        health_score=summary.health_score,
        by_severity=by_severity,
        by_category=dict(summary.by_category),
        diff=diff,
        failed_rules=failed_rules,
        top_issues=top_open_issues(session, site_id),
    )


def _not_rechecked(history: HistoryDiff) -> str:
    count = history.not_rechecked
    return f", {count} on pages not re-checked" if count else ""


def top_open_issues(session: Session, site_id: str, limit: int = 10) -> list[dict[str, Any]]:
    """The most severe open issues of the site as plain dicts."""
    rank = case({s.value: i for i, s in enumerate(SEVERITY_ORDER)}, value=SeoIssue.severity)
    issues = session.scalars(
        select(SeoIssue)
        .where(SeoIssue.site_id == site_id, SeoIssue.status == IssueStatus.OPEN)
        .order_by(rank, SeoIssue.rule_code, SeoIssue.url)
        .limit(limit)
    )
    return [
        {
            "severity": str(i.severity),
            "rule": i.rule_code,
            "url": i.url or "(site)",
            "message": i.message,
            "change": str(i.change),
        }
        for i in issues
    ]
