"""Run the catalogue over one crawl: findings with severity in context, summary, health score.

Health score (0–100)::

    page_health = max(0, 1 - sum of PAGE_WEIGHTS of the findings on that page)
    site_factor = max(0, 1 - sum of SITE_WEIGHTS of the site-wide findings)
    health      = 100 * mean(page_health over audited pages) * site_factor

Weights use the severity after context: a page with one critical issue scores 0, one high
0.75, one medium 0.9, one low 0.98; a site-wide critical (robots.txt blocks all, no HTTPS) takes
25 % off the whole site. Site-wide findings are those of ``site``-scope rules or without a URL of a
crawled page. No audited pages gives 0.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from seology_pipeline.audit.base import (
    SEVERITY_ORDER,
    Finding,
    Hit,
    Rule,
    Scope,
    fingerprint,
    shift_severity,
)
from seology_pipeline.audit.config import AuditConfig
from seology_pipeline.audit.rules import RULES
from seology_pipeline.audit.site import AuditContext
from seology_pipeline.crawl.records import PageRecord, SiteFacts
from seology_pipeline.db.models import Severity

PAGE_WEIGHTS = {
    Severity.CRITICAL: 1.0,
    Severity.HIGH: 0.25,
    Severity.MEDIUM: 0.10,
    Severity.LOW: 0.02,
}
SITE_WEIGHTS = {
    Severity.CRITICAL: 0.25,
    Severity.HIGH: 0.10,
    Severity.MEDIUM: 0.05,
    Severity.LOW: 0.01,
}


@dataclass(slots=True)
class RuleFailure:
    """A rule that raised: on the whole site (``pages_failed`` 0) or on some pages."""

    rule_code: str
    error: str
    pages_failed: int = 0


@dataclass(slots=True)
class AuditSummary:
    pages_audited: int
    indexable_pages: int
    external_checked: int
    issues: int
    by_severity: dict[str, int]
    by_category: dict[str, int]
    by_rule: dict[str, int]
    health_score: float


@dataclass(slots=True)
class AuditResult:
    issues: list[Finding]
    summary: AuditSummary
    failed_rules: list[RuleFailure] = field(default_factory=list)
    rule_seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "issues": [f.to_dict() for f in self.issues],
            "summary": asdict(self.summary),
            "failed_rules": [asdict(f) for f in self.failed_rules],
        }


def run_audit(
    pages: Iterable[PageRecord], facts: SiteFacts, config: AuditConfig | None = None
) -> AuditResult:
    """Audit one crawl. A rule that raises is listed in ``failed_rules``; the others still run.

    Python's cyclic garbage collector is paused meanwhile: with millions of live record objects
    its full collections made a 100,000-page audit several times slower (the audit makes no
    reference cycles; reference counting still frees everything).
    """
    config = config or AuditConfig()
    gc_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(list(pages), facts, config)
    finally:
        if gc_enabled:
            gc.enable()


def _run(pages: list[PageRecord], facts: SiteFacts, config: AuditConfig) -> AuditResult:
    ctx = AuditContext(pages, facts, config)
    findings: list[Finding] = []
    failures: list[RuleFailure] = []
    seconds: dict[str, float] = {}
    seen: set[str] = set()
    for rule in RULES:
        if rule.code in config.disabled_rules:
            continue
        started = time.perf_counter()
        ctx.current_rule = rule.code
        try:
            hits = list(rule.check(ctx))
        except Exception as exc:  # a failing rule is reported, never fatal to the audit
            failures.append(RuleFailure(rule.code, f"{type(exc).__name__}: {exc}"))
            continue
        finally:
            seconds[rule.code] = round(time.perf_counter() - started, 4)
        if errors := ctx.page_errors.get(rule.code):
            failures.append(RuleFailure(rule.code, errors[0][:500], pages_failed=len(errors)))
        for finding in _findings(rule, hits, ctx):
            if finding.fingerprint not in seen:
                seen.add(finding.fingerprint)
                findings.append(finding)
    ctx.current_rule = None
    return AuditResult(findings, _summary(findings, ctx), failures, seconds)


def _findings(rule: Rule, hits: list[Hit], ctx: AuditContext) -> Iterable[Finding]:
    config = ctx.config
    base = config.severity_overrides.get(rule.code, rule.severity)
    prevalent = False
    if rule.scope is not Scope.SITE and ctx.indexable_count:
        affected = len({hit.url for hit in hits})
        prevalent = (
            affected >= config.prevalence_min_pages
            and affected > config.prevalence_ratio * ctx.indexable_count
        )
    for hit in hits:
        reasons: list[str] = []
        if hit.severity is not None:  # the rule judged the context itself
            severity = config.severity_overrides.get(rule.code, hit.severity)
        else:
            if rule.scope is not Scope.SITE:
                if ctx.is_home(hit.url):
                    reasons.append("home page")
                if prevalent:
                    reasons.append(f"affects over {config.prevalence_ratio:.0%} of indexable pages")
            steps = 1 if reasons else 0
            if rule.scope is Scope.PAGE and hit.url in ctx.non_indexable_urls:
                reasons.append("page is noindex or canonicalised elsewhere")
                steps -= 1
            severity = shift_severity(base, steps)
        evidence = hit.evidence
        if reasons:
            evidence = {**evidence, "severity_context": {"base": base.value, "reasons": reasons}}
        yield Finding(
            rule_code=rule.code,
            category=rule.category.value,
            severity=severity,
            url=hit.url,
            message=hit.message,
            evidence=evidence,
            fingerprint=fingerprint(rule.code, hit.url, hit.key),
        )


def _summary(findings: list[Finding], ctx: AuditContext) -> AuditSummary:
    site_rules = {rule.code for rule in RULES if rule.scope is Scope.SITE}
    page_penalty: Counter[str] = Counter()
    site_penalty = 0.0
    for finding in findings:
        if finding.rule_code in site_rules or finding.url not in ctx.by_url:
            site_penalty += SITE_WEIGHTS[finding.severity]
        else:
            page_penalty[finding.url] += PAGE_WEIGHTS[finding.severity]
    severities = Counter(f.severity for f in findings)
    audited = len(ctx.pages)
    if audited:
        lost = sum(min(1.0, penalty) for penalty in page_penalty.values())
        health = 100.0 * (1.0 - lost / audited) * max(0.0, 1.0 - site_penalty)
    else:
        health = 0.0
    return AuditSummary(
        pages_audited=audited,
        indexable_pages=ctx.indexable_count,
        external_checked=len(ctx.external),
        issues=len(findings),
        by_severity={s.value: severities.get(s, 0) for s in reversed(SEVERITY_ORDER)},
        by_category=dict(Counter(f.category for f in findings).most_common()),
        by_rule=dict(Counter(f.rule_code for f in findings).most_common()),
        health_score=round(health, 1),
    )
