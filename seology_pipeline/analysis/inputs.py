"""The analysis input: a site's open issues aggregated with pandas and fitted to a token budget.

Issues are grouped by severity and category (counts, affected URLs, rule breakdown and a few
example issues with their ids). Crawled text is cleaned and capped here, before anything sees it.
When the payload is over budget, examples are dropped from the lowest severity upwards; as a last
resort only totals are sent. The result records what was sent and whether it was truncated.
Beside the groups goes the impact ranking of :mod:`seology_pipeline.analysis.ranking` (one entry
per rule: severity × share of pages × page importance), dropped with the high examples.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from seology_pipeline.analysis.ranking import page_importance, rank_rules
from seology_pipeline.analysis.text import clean_text, data_json
from seology_pipeline.db.models import (
    Crawl,
    CrawlStatus,
    IssueChange,
    IssueStatus,
    SeoIssue,
    SiteConnection,
)

SEVERITIES = ("critical", "high", "medium", "low")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
MESSAGE_LIMIT = 200
EVIDENCE_VALUE_LIMIT = 120
EVIDENCE_KEYS = 6
RULES_PER_GROUP = 10
RANKED_RULES = 10
CHANGE_EXAMPLES = 5
ISSUE_COLUMNS = ("id", "rule_code", "category", "severity", "url", "message", "evidence", "change")

# Truncation levels, tried in order: examples of lower severities go first, then all groups.
LEVELS: tuple[tuple[str, frozenset[str], bool], ...] = (
    ("full", frozenset(), True),
    ("without_low_examples", frozenset({"low"}), True),
    ("without_medium_examples", frozenset({"low", "medium"}), True),
    ("without_high_examples", frozenset({"low", "medium", "high"}), True),
    ("groups_only", frozenset(SEVERITIES), True),
    ("totals_only", frozenset(SEVERITIES), False),
)


@dataclass(frozen=True, slots=True)
class SiteIssues:
    """A site's open issues at one crawl, plus the context the analyst needs."""

    site_id: str
    crawl_id: int
    root_url: str
    context: dict[str, Any]
    issues: pd.DataFrame
    resolved: pd.DataFrame
    page_importance: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.issues)

    @property
    def ids(self) -> set[int]:
        return {int(value) for value in self.issues["id"]}


@dataclass(frozen=True, slots=True)
class FittedInput:
    """The payload chosen for the model and how it was fitted to the budget."""

    payload: dict[str, Any]
    level: str
    input_tokens: int
    counted_with_api: bool
    sent_ids: frozenset[int]
    issues_total: int

    @property
    def truncated(self) -> bool:
        return self.level != "full"

    @property
    def issues_sent(self) -> int:
        return len(self.sent_ids)


def load_site_issues(session: Session, site: SiteConnection, crawl: Crawl) -> SiteIssues:
    """The open issues of ``site`` (one query) and the context of ``crawl``."""
    rows = session.execute(
        select(*(getattr(SeoIssue, name) for name in ISSUE_COLUMNS))
        .where(SeoIssue.site_id == site.id, SeoIssue.status == IssueStatus.OPEN)
        .order_by(SeoIssue.id)
    ).all()
    issues = pd.DataFrame([tuple(row) for row in rows], columns=list(ISSUE_COLUMNS))
    issues["severity"] = issues["severity"].map(str)
    issues["change"] = issues["change"].map(str)
    resolved_rows = session.execute(
        select(*(getattr(SeoIssue, name) for name in ISSUE_COLUMNS))
        .where(
            SeoIssue.site_id == site.id,
            SeoIssue.status == IssueStatus.RESOLVED,
            SeoIssue.change == IssueChange.RESOLVED,
            SeoIssue.resolved_at >= crawl.started_at,
        )
        .order_by(SeoIssue.id)
    ).all()
    resolved = pd.DataFrame([tuple(row) for row in resolved_rows], columns=list(ISSUE_COLUMNS))
    resolved["severity"] = resolved["severity"].map(str)
    return SiteIssues(
        site_id=site.id,
        crawl_id=crawl.id,
        root_url=site.root_url,
        context=_context(session, site, crawl, issues),
        issues=issues,
        page_importance=page_importance(session, crawl.id),
        resolved=resolved,
    )


def _context(
    session: Session, site: SiteConnection, crawl: Crawl, issues: pd.DataFrame
) -> dict[str, Any]:
    previous = session.scalar(
        select(Crawl)
        .where(
            Crawl.site_id == site.id,
            Crawl.id != crawl.id,
            Crawl.status == CrawlStatus.COMPLETED,
            Crawl.started_at < crawl.started_at,
        )
        .order_by(Crawl.started_at.desc())
        .limit(1)
    )
    crawled_at = crawl.finished_at or crawl.started_at
    context: dict[str, Any] = {
        "domain": (urlsplit(site.root_url).hostname or "").lower(),
        "root_url": clean_text(site.root_url, 300),
        "site_name": clean_text(site.name, 100),
        "crawl_date": crawled_at.date().isoformat(),
        "pages_crawled": crawl.pages_crawled,
        "health_score": crawl.health_score,
        "issue_changes": {
            name: int(count) for name, count in issues["change"].value_counts().sort_index().items()
        },
        "previous_crawl": None,
    }
    if previous is not None:
        context["previous_crawl"] = {
            "crawl_date": (previous.finished_at or previous.started_at).date().isoformat(),
            "pages_crawled": previous.pages_crawled,
            "issues_found": previous.issues_found,
            "health_score": previous.health_score,
            "health_score_change": (
                round(crawl.health_score - previous.health_score, 1)
                if crawl.health_score is not None and previous.health_score is not None
                else None
            ),
        }
    return context


def compact_evidence(evidence: Any) -> dict[str, Any]:
    """A few scalar evidence fields, cleaned and capped (page text never goes out whole)."""
    if not isinstance(evidence, dict):
        return {}
    compact: dict[str, Any] = {}
    for key in sorted(evidence)[:EVIDENCE_KEYS]:
        value = evidence[key]
        if isinstance(value, list):
            value = [v for v in value if isinstance(v, str | int | float | bool)][:3]
            value = [
                clean_text(v, EVIDENCE_VALUE_LIMIT) if isinstance(v, str) else v for v in value
            ]
        elif isinstance(value, str):
            value = clean_text(value, EVIDENCE_VALUE_LIMIT)
        elif not isinstance(value, int | float | bool) and value is not None:
            continue
        compact[clean_text(key, 40)] = value
    return compact


def aggregate(issues: pd.DataFrame, examples_per_group: int) -> list[dict[str, Any]]:
    """Groups by severity and category, most severe first, then largest first."""
    if issues.empty:
        return []
    frame = issues.assign(rank=issues["severity"].map(SEVERITY_RANK))
    groups = []
    for (rank, category), group in frame.groupby(["rank", "category"], sort=True):
        rules = group["rule_code"].value_counts()
        rules = rules.sort_index().sort_values(ascending=False, kind="stable")
        rule_order = {code: position for position, code in enumerate(rules.index)}
        examples = (
            group.assign(
                nth=group.groupby("rule_code").cumcount(),
                rule_rank=group["rule_code"].map(rule_order),
            )
            .sort_values(["nth", "rule_rank", "id"])
            .head(examples_per_group)
        )
        groups.append(
            {
                "severity": SEVERITIES[int(rank)],
                "category": clean_text(category, 40),
                "issues": len(group),
                "affected_urls": int(group["url"].dropna().nunique()),
                "rules": {
                    clean_text(code, 64): int(count)
                    for code, count in rules.head(RULES_PER_GROUP).items()
                },
                "examples": [
                    {
                        "id": int(row.id),
                        "rule": clean_text(row.rule_code, 64),
                        "url": clean_text(row.url, 300) if isinstance(row.url, str) else None,
                        "message": clean_text(row.message, MESSAGE_LIMIT),
                        "evidence": compact_evidence(row.evidence),
                    }
                    for row in examples.itertuples(index=False)
                ],
            }
        )
    groups.sort(key=lambda g: (SEVERITY_RANK[g["severity"]], -g["issues"], g["category"]))
    return groups


def totals(issues: pd.DataFrame) -> dict[str, Any]:
    by_severity = issues["severity"].value_counts()
    return {
        "open_issues": len(issues),
        "affected_urls": int(issues["url"].dropna().nunique()),
        "by_severity": {name: int(by_severity.get(name, 0)) for name in SEVERITIES},
        "by_category": {
            clean_text(name, 40): int(count)
            for name, count in issues["category"].value_counts().sort_index().items()
        },
    }


def _change_examples(frame: pd.DataFrame, with_ids: bool) -> list[dict[str, Any]]:
    """The most severe few issues of ``frame`` (ids only for open issues the model may cite)."""
    if frame.empty:
        return []
    ranked = frame.assign(rank=frame["severity"].map(SEVERITY_RANK)).sort_values(["rank", "id"])
    examples = []
    for row in ranked.head(CHANGE_EXAMPLES).itertuples(index=False):
        example: dict[str, Any] = {"id": int(row.id)} if with_ids else {}
        example |= {
            "rule": clean_text(row.rule_code, 64),
            "severity": row.severity,
            "url": clean_text(row.url, 300) if isinstance(row.url, str) else None,
            "message": clean_text(row.message, MESSAGE_LIMIT),
        }
        examples.append(example)
    return examples


def changes(site: SiteIssues, with_examples: bool) -> dict[str, Any]:
    """Issues new, regressed and resolved since the previous crawl, most severe examples first."""
    summary: dict[str, Any] = {}
    for name in ("new", "regressed"):
        frame = site.issues[site.issues["change"] == name]
        summary[name] = {
            "issues": len(frame),
            "by_severity": {
                sev: int(n) for sev, n in frame["severity"].value_counts().sort_index().items()
            },
        }
        if with_examples:
            summary[name]["examples"] = _change_examples(frame, with_ids=True)
    summary["resolved"] = {
        "issues": len(site.resolved),
        "by_severity": {
            sev: int(n) for sev, n in site.resolved["severity"].value_counts().sort_index().items()
        },
    }
    if with_examples:
        summary["resolved"]["examples"] = _change_examples(site.resolved, with_ids=False)
    return summary


def payload_at_level(
    site: SiteIssues, groups: list[dict[str, Any]], level: tuple[str, frozenset[str], bool]
) -> dict[str, Any]:
    name, without_examples, keep_groups = level
    payload: dict[str, Any] = {
        "site": site.context,
        "totals": totals(site.issues),
        "changes": changes(site, with_examples=keep_groups),
        "truncation": name,
    }
    if "high" not in without_examples:  # the impact ranking goes with the high examples
        payload["ranking"] = ranking(site)
    if keep_groups:
        payload["groups"] = [
            group | {"examples": []} if group["severity"] in without_examples else group
            for group in groups
        ]
    return payload


def ranking(site: SiteIssues, limit: int = RANKED_RULES) -> list[dict[str, Any]]:
    """The rules by impact (severity × share of pages × page importance), best first."""
    if site.issues.empty:
        return []
    pages = int(site.context.get("pages_crawled") or 0)
    ranked = rank_rules(site.issues, site.page_importance, pages)
    return [rule.as_dict() for rule in ranked[:limit]]


def sent_ids(payload: dict[str, Any]) -> frozenset[int]:
    """Ids of the issues the payload shows (group examples and new/regressed examples)."""
    ids = {example["id"] for group in payload.get("groups", []) for example in group["examples"]}
    for name in ("new", "regressed"):
        ids |= {example["id"] for example in payload["changes"][name].get("examples", [])}
    return frozenset(ids)


def estimate_tokens(text: str) -> int:
    """A conservative local token estimate (about three characters a token for JSON)."""
    return math.ceil(len(text) / 3)


def fit_budget(
    site: SiteIssues,
    examples_per_group: int,
    budget: int,
    count_tokens: Callable[[dict[str, Any]], int],
    counted_with_api: bool,
) -> FittedInput:
    """The fullest payload whose ``count_tokens`` is within ``budget``.

    ``count_tokens`` measures the whole request (system prompt, schema and user message). If even
    the totals exceed the budget they are sent anyway, marked truncated.
    """
    groups = aggregate(site.issues, examples_per_group)
    for index, level in enumerate(LEVELS):
        payload = payload_at_level(site, groups, level)
        tokens = count_tokens(payload)
        if tokens <= budget or index == len(LEVELS) - 1:
            return FittedInput(
                payload=payload,
                level=level[0],
                input_tokens=tokens,
                counted_with_api=counted_with_api,
                sent_ids=sent_ids(payload),
                issues_total=site.total,
            )
    raise AssertionError("unreachable: the last level always returns")


def input_hash(site: SiteIssues, *parts: object) -> str:
    """SHA-256 over the site's context, every open issue and ``parts`` (prompt, model, limits)."""
    records = site.issues.drop(columns=["change"]).to_dict(orient="records")
    document = {"site": site.site_id, "crawl": site.crawl_id, "context": site.context}
    document |= {"issues": records, "parts": [str(part) for part in parts]}
    return hashlib.sha256(data_json(document).encode()).hexdigest()
