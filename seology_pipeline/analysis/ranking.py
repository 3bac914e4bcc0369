"""Impact ranking of a site's open issues: one entry per audit rule, whatever the severity each
finding got in its context, for the rule-based analyst and for the input given to Claude.

``score = severity weight × share of crawled pages affected × importance of those pages``,
where the severity is the rule's highest among its findings and a page's importance is
``1 + 1/(1 + depth) + log2(1 + inlinks)/4 + 0.5 if it is in the sitemap`` (pages not reached by
links count as depth 10); a finding without a crawled page (a site-wide one) affects every page
at average importance. Ties: pages affected, rule code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seology_pipeline.db.models import Link, Page

SEVERITY_WEIGHT = {"critical": 8.0, "high": 4.0, "medium": 2.0, "low": 1.0}
SEVERITY_ORDER = ("critical", "high", "medium", "low")
UNLINKED_AS_DEPTH = 10


@dataclass(frozen=True, slots=True)
class RuleImpact:
    rule_code: str
    category: str
    severity: str
    issues: int
    pages_affected: int
    share: float
    importance: float
    score: float

    def as_dict(self) -> dict[str, object]:
        """The compact form sent to Claude."""
        return {
            "rule": self.rule_code,
            "severity": self.severity,
            "pages": self.pages_affected,
            "impact": round(self.score, 2),
        }


def importance(depth: int | None, inlinks: int, in_sitemap: bool) -> float:
    level = UNLINKED_AS_DEPTH if depth is None or depth < 0 else depth
    return 1.0 + 1.0 / (1 + level) + math.log2(1 + inlinks) / 4 + (0.5 if in_sitemap else 0.0)


def page_importance(session: Session, crawl_id: int) -> dict[str, float]:
    """Importance of every crawled URL of the crawl (depth, internal inlinks, sitemap)."""
    inlinks = dict(
        session.execute(
            select(Link.target_url, func.count(func.distinct(Link.source_url)))
            .where(Link.crawl_id == crawl_id, Link.is_internal, Link.target_url.is_not(None))
            .group_by(Link.target_url)
        ).all()
    )
    pages = session.execute(
        select(Page.url, Page.depth, Page.in_sitemap).where(Page.crawl_id == crawl_id)
    ).all()
    return {
        url: importance(depth, int(inlinks.get(url, 0)), bool(in_sitemap))
        for url, depth, in_sitemap in pages
    }


def rank_rules(issues: pd.DataFrame, weights: dict[str, float], pages: int) -> list[RuleImpact]:
    """One :class:`RuleImpact` per rule of ``issues`` (columns rule_code, category, severity,
    url), best first; ``weights`` are page importances, unknown URLs count 1."""
    pages = max(pages, 1)
    average = sum(weights.values()) / len(weights) if weights else 1.0
    ranked = []
    for rule_code, group in issues.groupby("rule_code", sort=True):
        severity = min(group["severity"], key=SEVERITY_ORDER.index)
        urls = [u for u in group["url"].dropna().unique() if u]
        if urls:
            share = min(len(urls) / pages, 1.0)
            weight = sum(weights.get(u, 1.0) for u in urls) / len(urls)
        else:
            share, weight = 1.0, average
        ranked.append(
            RuleImpact(
                rule_code=str(rule_code),
                category=str(group["category"].mode().iloc[0]),
                severity=severity,
                issues=len(group),
                pages_affected=len(urls),
                share=share,
                importance=weight,
                score=SEVERITY_WEIGHT[severity] * share * weight,
            )
        )
    ranked.sort(key=lambda r: (-r.score, -r.pages_affected, r.rule_code))
    return ranked
