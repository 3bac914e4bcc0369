"""The rule-based analyst: fills the same schema deterministically, without AI.

One action per audit rule, grouped across the severities its findings got in context, ranked by
impact (:mod:`seology_pipeline.analysis.ranking`: severity × share of pages affected × importance
of those pages), each saying how many pages it fixes: broken links on most pages outrank one
home-page finding. Quick wins are the best-ranked low-effort actions.
"""

from __future__ import annotations

import itertools

import pandas as pd

from seology_pipeline.analysis.inputs import SEVERITIES, SiteIssues
from seology_pipeline.analysis.ranking import RuleImpact, rank_rules
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
    """Rank the site's open issues per rule by impact; same input, same output."""
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
    ranked = rank_rules(issues, site.page_importance, pages)
    actions = [
        _action(rule, issues[issues["rule_code"] == rule.rule_code], hosts)
        for rule in ranked[:MAX_ACTIONS]
    ]
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


def _action(rule: RuleImpact, group: pd.DataFrame, hosts: frozenset[str]) -> RankedAction:
    example = clean_text(group.sort_values("id")["message"].iloc[0], 200)
    # the first MAX_URLS own URLs in order: checks only as many URLs as it keeps
    own = (u for u in sorted(group["url"].dropna().unique()) if is_own_url(u, hosts))
    urls = list(itertools.islice(own, MAX_URLS))
    count = rule.issues
    effort = CATEGORY_EFFORT.get(rule.category.lower(), "medium")
    if rule.score >= 2 or (rule.severity == "critical" and rule.share >= 0.1):
        impact = "high"
    elif rule.score < 0.5 and rule.severity != "critical":
        impact = "low"
    else:
        impact = "medium"
    fixes = (
        f"fixes {rule.pages_affected} page{'s' if rule.pages_affected != 1 else ''} "
        f"({rule.share:.0%} of crawled pages)"
        if rule.pages_affected
        else "a site-wide fix"
    )
    return RankedAction(
        title=clean_text(
            f"Fix “{RULE_TITLES.get(rule.rule_code, rule.rule_code.replace('_', ' '))}” "
            f"({count} issue{'s' if count != 1 else ''})",
            160,
        ),
        rationale=(
            f"One change {fixes}; up to {rule.severity} severity, impact "
            f"{rule.score:.2f} (severity × share of pages × page importance). Example: {example}"
        ),
        issue_ids=[int(i) for i in sorted(group["id"])[:MAX_IDS]],
        category=clean_text(rule.category, 40),
        severity=rule.severity,
        impact=impact,
        effort=effort,
        affected_urls=urls,
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
