"""The rule-based analyst: fills the same schema deterministically, without AI.

One action per audit rule, ranked by ``severity weight × share of pages affected ÷ effort``
within each severity tier: every critical action comes before any high one, and so on (a single
5xx page outranks missing social tags on every page). Ties: issue count, rule code. Quick wins
are the best-ranked low-effort actions.
"""

from __future__ import annotations

import pandas as pd

from seology_pipeline.analysis.inputs import SEVERITIES, SEVERITY_RANK, SiteIssues
from seology_pipeline.analysis.schema import (
    MAX_ACTIONS,
    MAX_IDS,
    MAX_QUICK_WINS,
    MAX_URLS,
    QuickWin,
    RankedAction,
    SiteAnalysis,
    is_own_url,
    site_hosts,
)
from seology_pipeline.analysis.text import clean_text
from seology_pipeline.audit.rules import RULES
from seology_pipeline.wording import plural

OFFLINE_VERSION = "rules-v1"
LABEL = "Rule-based analysis (not AI)"
RULE_TITLES = {rule.code: rule.title for rule in RULES}
SEVERITY_WEIGHT = {"critical": 8.0, "high": 4.0, "medium": 2.0, "low": 1.0}
EFFORT_WEIGHT = {"low": 1.0, "medium": 2.0, "high": 3.0}
# Typical effort per issue category; anything unknown counts as medium.
CATEGORY_EFFORT = {
    "meta": "low",
    "metadata": "low",
    "title": "low",
    "headings": "low",
    "images": "low",
    "social": "low",
    "structured_data": "medium",
    "links": "medium",
    "indexability": "medium",
    "crawlability": "medium",
    "canonical": "medium",
    "international": "medium",
    "content": "medium",
    "redirects": "medium",
    "performance": "high",
    "security": "high",
}


def rule_based_analysis(site: SiteIssues) -> SiteAnalysis:
    """Rank the site's open issues per rule; same input, same output."""
    issues = site.issues
    pages = max(int(site.context.get("pages_crawled") or 0), 1)
    if issues.empty:
        return SiteAnalysis(
            summary=f"{LABEL}: no open SEO issues were found on {site.context['domain']} "
            f"({plural(pages, 'page')} crawled). Keep monitoring after content changes.",
            actions=[],
            quick_wins=[],
        )
    hosts = site_hosts(site.root_url)
    scored = []
    for (rule_code, category, severity), group in issues.groupby(
        ["rule_code", "category", "severity"], sort=True
    ):
        urls = sorted(u for u in group["url"].dropna().unique() if is_own_url(u, hosts))
        share = min(len(urls) / pages, 1.0) if urls else 1.0  # no URL: a site-wide issue
        effort = CATEGORY_EFFORT.get(str(category).lower(), "medium")
        score = SEVERITY_WEIGHT[severity] * share / EFFORT_WEIGHT[effort]
        scored.append((score, rule_code, category, severity, effort, share, urls, group))
    scored.sort(key=lambda s: (SEVERITY_RANK[s[3]], -s[0], -len(s[7]), s[1], s[2]))
    actions = [_action(*entry[1:]) for entry in scored[:MAX_ACTIONS]]
    quick_wins = [
        QuickWin(
            title=action.title,
            rationale=f"Low effort, {action.severity} severity. {action.rationale}",
            issue_ids=action.issue_ids,
        )
        for action in actions
        if action.effort == "low"
    ][:MAX_QUICK_WINS]
    return SiteAnalysis(summary=_summary(site, actions), actions=actions, quick_wins=quick_wins)


def _action(
    rule_code: str,
    category: str,
    severity: str,
    effort: str,
    share: float,
    urls: list[str],
    group: pd.DataFrame,
) -> RankedAction:
    example = clean_text(group.sort_values("id")["message"].iloc[0], 200)
    count = len(group)
    reach = SEVERITY_WEIGHT[severity] * share
    if severity == "critical" or reach >= 2:
        impact = "high"  # a critical issue is high impact even on one page
    elif reach < 0.5 and severity != "high":
        impact = "low"
    else:
        impact = "medium"
    return RankedAction(
        title=clean_text(
            f"Fix “{RULE_TITLES.get(rule_code, rule_code.replace('_', ' '))}” "
            f"({count} issue{'s' if count != 1 else ''})",
            160,
        ),
        rationale=(
            f"{count} {severity} {category} issue{'s' if count != 1 else ''} on "
            f"{len(urls)} URL{'s' if len(urls) != 1 else ''} ({share:.0%} of crawled pages). "
            f"Example: {example}"
        ),
        issue_ids=[int(i) for i in sorted(group["id"])[:MAX_IDS]],
        category=clean_text(category, 40),
        severity=severity,
        impact=impact,
        effort=effort,
        affected_urls=urls[:MAX_URLS],
    )


def _summary(site: SiteIssues, actions: list[RankedAction]) -> str:
    counts = site.issues["severity"].value_counts()
    breakdown = ", ".join(f"{int(counts.get(s, 0))} {s}" for s in SEVERITIES if counts.get(s, 0))
    context = site.context
    health = context.get("health_score")
    parts = [
        f"{LABEL}: {plural(site.total, 'open issue')} on {context['domain']} ({breakdown}) "
        f"across {plural(int(context['pages_crawled']), 'crawled page')}.",
    ]
    if health is not None:
        parts.append(f"Health score {health:.0f}/100.")
    previous = context.get("previous_crawl")
    if previous and previous.get("health_score_change") is not None:
        parts.append(f"Change since the previous crawl: {previous['health_score_change']:+.1f}.")
    if actions:
        parts.append(f"Start with: {actions[0].title}.")
    return " ".join(parts)
