"""Issue history across crawls: upsert one crawl's findings into ``seo_issues`` by fingerprint.

For each fingerprint of the site:

==========================  ==================  ========================================
before                      found this crawl    not found this crawl
==========================  ==================  ========================================
(no row)                    insert: open, new   –
open                        open, persisting    resolved (``resolved_at`` = now) if re-checked
resolved                    open, regressed     unchanged
ignored                     ignored (updated)   unchanged
==========================  ==================  ========================================

An open issue is *re-checked* when it is site-wide (no URL; every audit re-evaluates it) or its
URL got an HTTP answer in this crawl. Issues on URLs the crawl did not reach (a smaller crawl, a
page that timed out) keep their state and count as ``not_rechecked``: a crawl never fakes a fix.

All writes are bulk statements inside the caller's transaction; nothing is committed here, so
a crawl's pages, issues and summary land together or not at all.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from seology_pipeline.audit.base import Finding
from seology_pipeline.db.models import IssueChange, IssueStatus, SeoIssue

_CHUNK = 5000


@dataclass(slots=True)
class IssueRef:
    fingerprint: str
    rule_code: str
    severity: str
    url: str | None


@dataclass(slots=True)
class HistoryDiff:
    """What this crawl changed, against the site's issues from earlier crawls."""

    crawl_id: int
    previous_crawl_id: int | None
    new: int = 0
    persisting: int = 0
    resolved: int = 0
    regressed: int = 0
    ignored: int = 0
    not_rechecked: int = 0
    open_total: int = 0
    new_issues: list[IssueRef] = field(default_factory=list)
    resolved_issues: list[IssueRef] = field(default_factory=list)
    regressed_issues: list[IssueRef] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "new": self.new,
            "persisting": self.persisting,
            "resolved": self.resolved,
            "regressed": self.regressed,
            "ignored": self.ignored,
            "not_rechecked": self.not_rechecked,
            "open_total": self.open_total,
        }

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ref(finding: Finding) -> IssueRef:
    return IssueRef(finding.fingerprint, finding.rule_code, finding.severity.value, finding.url)


def apply_findings(
    session: Session,
    site_id: str,
    crawl_id: int,
    findings: list[Finding],
    now: datetime,
    rechecked_urls: Collection[str] | None = None,
) -> HistoryDiff:
    """Record ``findings`` of crawl ``crawl_id`` as the site's current issues; see module doc.

    ``rechecked_urls`` are the URLs this crawl got an answer from (None: every URL counts as
    re-checked). Does not commit. Raises ``ValueError`` for a naive ``now`` or a fingerprint
    over 64 characters.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (UTC)")
    current: dict[str, Finding] = {}
    for finding in findings:
        if len(finding.fingerprint) > 64:
            raise ValueError(f"fingerprint longer than 64 characters: {finding.fingerprint!r}")
        current.setdefault(finding.fingerprint, finding)

    existing = session.execute(
        select(
            SeoIssue.id,
            SeoIssue.fingerprint,
            SeoIssue.status,
            SeoIssue.rule_code,
            SeoIssue.severity,
            SeoIssue.url,
            SeoIssue.last_seen_crawl_id,
        ).where(SeoIssue.site_id == site_id)
    ).all()
    previous = [row.last_seen_crawl_id for row in existing if row.last_seen_crawl_id != crawl_id]
    diff = HistoryDiff(crawl_id, max((p for p in previous if p is not None), default=None))

    updates: list[dict[str, Any]] = []
    to_resolve: list[int] = []
    known: set[str] = set()
    for row in existing:
        known.add(row.fingerprint)
        finding = current.get(row.fingerprint)
        if finding is None:
            if row.status != IssueStatus.OPEN:
                continue
            if rechecked_urls is not None and row.url and row.url not in rechecked_urls:
                diff.not_rechecked += 1
            else:
                to_resolve.append(row.id)
                diff.resolved += 1
                diff.resolved_issues.append(
                    IssueRef(row.fingerprint, row.rule_code, str(row.severity), row.url)
                )
            continue
        status, change = IssueStatus.OPEN, IssueChange.PERSISTING
        if row.status == IssueStatus.IGNORED:
            status = IssueStatus.IGNORED
            diff.ignored += 1
        elif row.status == IssueStatus.RESOLVED:
            change = IssueChange.REGRESSED
            diff.regressed += 1
            diff.regressed_issues.append(_ref(finding))
        else:
            diff.persisting += 1
        updates.append(
            {
                "id": row.id,
                "status": status,
                "change": change,
                "severity": finding.severity,
                "category": finding.category,
                "url": finding.url,
                "message": finding.message,
                "evidence": finding.evidence,
                "last_seen_crawl_id": crawl_id,
                "last_seen_at": now,
                "resolved_at": None,
            }
        )

    inserts = [
        {
            "site_id": site_id,
            "rule_code": f.rule_code,
            "category": f.category,
            "severity": f.severity,
            "url": f.url,
            "message": f.message,
            "evidence": f.evidence,
            "fingerprint": fp,
            "status": IssueStatus.OPEN,
            "change": IssueChange.NEW,
            "first_seen_crawl_id": crawl_id,
            "last_seen_crawl_id": crawl_id,
            "first_seen_at": now,
            "last_seen_at": now,
            "resolved_at": None,
        }
        for fp, f in current.items()
        if fp not in known
    ]
    diff.new = len(inserts)
    diff.new_issues = [_ref(current[row["fingerprint"]]) for row in inserts]

    for start in range(0, len(inserts), _CHUNK):
        session.execute(insert(SeoIssue), inserts[start : start + _CHUNK])
    for start in range(0, len(updates), _CHUNK):
        session.execute(update(SeoIssue), updates[start : start + _CHUNK])
    for start in range(0, len(to_resolve), _CHUNK):
        session.execute(
            update(SeoIssue)
            .where(SeoIssue.id.in_(to_resolve[start : start + _CHUNK]))
            .values(status=IssueStatus.RESOLVED, change=IssueChange.RESOLVED, resolved_at=now)
            .execution_options(synchronize_session=False)
        )
    diff.open_total = diff.new + diff.persisting + diff.regressed + diff.not_rechecked
    return diff
