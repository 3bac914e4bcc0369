"""What a crawl report shows, read from the app database: the crawl, its issues, diff and analysis.

An issue belongs to crawl X when X lies between the crawls it was first and last seen in; issues
resolved by X are those last seen in the crawl before X and no longer open. Open issues last seen
before X on pages X did not reach are listed as ``not re-checked`` with the date they were last
seen. A crawl that was never audited has no report: it would wrongly say "no issues". Counts by
severity and category are of open issues (ignored ones are listed, not counted).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from seology_pipeline.db.models import (
    Conversation,
    Crawl,
    CrawlStatus,
    IssueChange,
    IssueStatus,
    SeoIssue,
    Severity,
    SiteConnection,
)

SEVERITIES: tuple[str, ...] = tuple(s.value for s in Severity)  # critical … low
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
CHANGES: tuple[str, ...] = tuple(c.value for c in IssueChange)
NOT_RECHECKED = "not re-checked"


class ReportError(ValueError):
    """The report cannot be made (unknown site or crawl, or a site never crawled)."""


@dataclass(frozen=True, slots=True)
class Action:
    """One ranked action of the analysis (lenient reading of the stored result)."""

    title: str
    rationale: str
    category: str
    severity: str
    impact: str
    effort: str
    issue_ids: list[int]
    affected_urls: list[str]


@dataclass(frozen=True, slots=True)
class Analysis:
    summary: str
    actions: list[Action]
    quick_wins: list[dict[str, Any]]
    analyst: str
    model: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Diff:
    """Issue changes against the previous crawl."""

    new: int = 0
    persisting: int = 0
    resolved: int = 0
    regressed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in CHANGES}


@dataclass(slots=True)
class ReportData:
    site: SiteConnection
    crawl: Crawl
    previous: Crawl | None
    issues: list[SeoIssue]
    resolved: list[SeoIssue]
    not_rechecked: list[SeoIssue]
    analysis: Analysis | None
    diff: Diff
    rows: list[dict[str, Any]] = field(default_factory=list)
    by_severity: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)

    @property
    def health_score(self) -> float | None:
        return _health(self.crawl)

    @property
    def previous_health_score(self) -> float | None:
        return _health(self.previous) if self.previous is not None else None

    @property
    def open_issues(self) -> int:
        return sum(self.by_severity.values())


def _health(crawl: Crawl) -> float | None:
    if crawl.health_score is not None:
        return crawl.health_score
    value = (crawl.summary or {}).get("health_score")
    return float(value) if isinstance(value, int | float) else None


def _pick_crawl(session: Session, site_id: str, crawl_id: int | None) -> Crawl:
    if crawl_id is not None:
        crawl = session.get(Crawl, crawl_id)
        if crawl is None or crawl.site_id != site_id:
            raise ReportError(f"crawl {crawl_id} does not exist for site {site_id!r}")
        return crawl
    crawls = session.scalars(
        select(Crawl)
        .where(Crawl.site_id == site_id)
        .order_by(Crawl.is_current.desc(), Crawl.started_at.desc(), Crawl.id.desc())
    ).all()
    if not crawls:
        raise ReportError(f"site {site_id!r} has not been crawled yet")
    current = [c for c in crawls if c.is_current]
    completed = [c for c in crawls if c.status == CrawlStatus.COMPLETED]
    return (current or completed or list(crawls))[0]


def _previous(session: Session, crawl: Crawl) -> Crawl | None:
    return session.scalars(
        select(Crawl)
        .where(
            Crawl.site_id == crawl.site_id,
            Crawl.status == CrawlStatus.COMPLETED,
            or_(
                Crawl.started_at < crawl.started_at,
                and_(Crawl.started_at == crawl.started_at, Crawl.id < crawl.id),
            ),
        )
        .order_by(Crawl.started_at.desc(), Crawl.id.desc())
        .limit(1)
    ).first()


def _issue_order(issue: SeoIssue) -> tuple[int, str, str, str, int]:
    return (
        SEVERITY_RANK.get(str(issue.severity), len(SEVERITIES)),
        issue.category,
        issue.rule_code,
        issue.url or "",
        issue.id,
    )


def _is_audited(crawl: Crawl) -> bool:
    return crawl.status == CrawlStatus.COMPLETED and (
        crawl.health_score is not None or bool(crawl.summary)
    )


def not_rechecked_issues(session: Session, crawl: Crawl) -> list[SeoIssue]:
    """Open issues last seen before ``crawl`` that it did not re-check, most severe first."""
    stale = session.scalars(
        select(SeoIssue).where(
            SeoIssue.site_id == crawl.site_id,
            SeoIssue.status == IssueStatus.OPEN,
            SeoIssue.last_seen_crawl_id < crawl.id,
        )
    ).all()
    return sorted(stale, key=_issue_order)


def crawl_issues(session: Session, crawl: Crawl, previous: Crawl | None) -> tuple[list, list]:
    """The issues seen in ``crawl`` and those it resolved, each sorted by severity first."""
    present = session.scalars(
        select(SeoIssue).where(
            SeoIssue.site_id == crawl.site_id,
            SeoIssue.first_seen_crawl_id <= crawl.id,
            SeoIssue.last_seen_crawl_id >= crawl.id,
        )
    ).all()
    # Resolved by this crawl: last seen in the one before, or (after crawls that did not re-check
    # it) resolved when this crawl was swapped in, which stamps both with the same time.
    by_crawl = [SeoIssue.resolved_at == crawl.finished_at] if crawl.finished_at else []
    by_previous = [SeoIssue.last_seen_crawl_id == previous.id] if previous is not None else []
    resolved: list[SeoIssue] = []
    if by_crawl or by_previous:
        resolved = list(
            session.scalars(
                select(SeoIssue).where(
                    SeoIssue.site_id == crawl.site_id,
                    SeoIssue.last_seen_crawl_id < crawl.id,
                    SeoIssue.status == IssueStatus.RESOLVED,
                    or_(*by_crawl, *by_previous),
                )
            ).all()
        )
    return sorted(present, key=_issue_order), sorted(resolved, key=_issue_order)


def _analysis(session: Session, crawl: Crawl) -> Analysis | None:
    conversation = session.scalars(
        select(Conversation)
        .where(Conversation.crawl_id == crawl.id)
        .order_by(Conversation.created_at.desc(), Conversation.id.desc())
        .limit(1)
    ).first()
    if conversation is None:
        return None
    stored = conversation.result or {}
    # The analyst stores its validated answer under "analysis", with provenance around it.
    result = stored.get("analysis") if isinstance(stored.get("analysis"), dict) else stored
    actions = [
        Action(
            title=str(raw.get("title") or ""),
            rationale=str(raw.get("rationale") or ""),
            category=str(raw.get("category") or ""),
            severity=str(raw.get("severity") or ""),
            impact=str(raw.get("impact") or ""),
            effort=str(raw.get("effort") or ""),
            issue_ids=[i for i in raw.get("issue_ids") or [] if isinstance(i, int)],
            affected_urls=[str(u) for u in raw.get("affected_urls") or []],
        )
        for raw in result.get("actions") or []
        if isinstance(raw, dict) and raw.get("title")
    ]
    wins = [w for w in result.get("quick_wins") or [] if isinstance(w, dict) and w.get("title")]
    return Analysis(
        summary=str(result.get("summary") or ""),
        actions=actions,
        quick_wins=wins,
        analyst=conversation.analyst,
        model=conversation.model,
        created_at=conversation.created_at,
    )


def _diff(crawl: Crawl, issues: list[SeoIssue], resolved: list[SeoIssue]) -> Diff:
    stored = (crawl.summary or {}).get("diff")
    if isinstance(stored, dict) and all(isinstance(stored.get(n), int) for n in CHANGES):
        return Diff(**{name: stored[name] for name in CHANGES})
    counts = Counter(str(i.change) for i in issues if i.last_seen_crawl_id == crawl.id and i.change)
    return Diff(
        new=counts["new"],
        persisting=counts["persisting"],
        resolved=len(resolved),
        regressed=counts["regressed"],
    )


def load_report(session: Session, site_id: str, crawl_id: int | None = None) -> ReportData:
    """Everything the report shows for one crawl (default: the site's current crawl)."""
    site = session.get(SiteConnection, site_id)
    if site is None:
        raise ReportError(f"site {site_id!r} does not exist")
    crawl = _pick_crawl(session, site_id, crawl_id)
    if not _is_audited(crawl):
        state = f"failed ({crawl.error})" if crawl.status == CrawlStatus.FAILED else "not audited"
        raise ReportError(f"crawl {crawl.id} of site {site_id!r} is {state}: no issue report")
    previous = _previous(session, crawl)
    issues, resolved = crawl_issues(session, crawl, previous)
    stale = not_rechecked_issues(session, crawl)
    counted = [i for i in [*issues, *stale] if i.status == IssueStatus.OPEN]
    by_severity = {name: 0 for name in SEVERITIES}
    by_severity.update(Counter(str(i.severity) for i in counted))
    by_category = dict(Counter(i.category for i in counted).most_common())
    return ReportData(
        site=site,
        crawl=crawl,
        previous=previous,
        issues=issues,
        resolved=resolved,
        not_rechecked=stale,
        analysis=_analysis(session, crawl),
        diff=_diff(crawl, issues, resolved),
        rows=[issue_row(i, _change_in(i, crawl)) for i in issues]
        + [issue_row(i, NOT_RECHECKED) for i in stale]
        + [issue_row(i, IssueChange.RESOLVED.value) for i in resolved],
        by_severity=by_severity,
        by_category=by_category,
    )


def issue_row(issue: SeoIssue, change: str | None = None) -> dict[str, Any]:
    """One issue as a flat, JSON-safe dict."""
    return {
        "id": issue.id,
        "severity": str(issue.severity),
        "category": issue.category,
        "rule": issue.rule_code,
        "url": issue.url or "",
        "message": issue.message,
        "change": change or (str(issue.change) if issue.change else ""),
        "status": str(issue.status),
        "first_seen_crawl_id": issue.first_seen_crawl_id,
        "last_seen_crawl_id": issue.last_seen_crawl_id,
        "last_seen_at": issue.last_seen_at.date().isoformat() if issue.last_seen_at else "",
    }


def report_rows(session: Session, site_id: str, crawl_id: int | None = None) -> list[dict]:
    """The issues of a crawl (default: the current one) as rows, most severe first; open issues
    it did not re-check follow with ``change`` = ``not re-checked``, then those it resolved."""
    return load_report(session, site_id, crawl_id).rows


def _change_in(issue: SeoIssue, crawl: Crawl) -> str:
    """The issue's change as of ``crawl``: stored for its last crawl, else inferred."""
    if issue.last_seen_crawl_id == crawl.id:
        return str(issue.change)
    return "new" if issue.first_seen_crawl_id == crawl.id else "persisting"
