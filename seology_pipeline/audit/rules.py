"""The rule catalogue: every audit rule, registered once, printable by the CLI.

Severity in context (applied by :func:`seology_pipeline.audit.engine.run_audit`): a finding starts
at its rule's severity (or the site's ``severity_overrides``) and then

* goes **one level up** when it is on the home page, or when the rule hits more than
  ``prevalence_ratio`` (10 %) of the indexable pages and at least ``prevalence_min_pages`` pages
  (rules of scope ``page`` and ``indexing``);
* goes **one level down** on pages that are noindex or canonicalised elsewhere (scope ``page``
  only: rules about indexability itself keep their level there);
* both together cancel out; levels stay within low…critical. Site-wide rules (scope ``site``)
  are never adjusted. The evidence of an adjusted finding names the reasons.
* a rule that judges the context itself (``noindex_linked``, ``canonicalised``) sets each hit's
  severity; only the site's ``severity_overrides`` replace it.

Every rule names the standard it follows in :mod:`seology_pipeline.audit.standards`.
"""

from __future__ import annotations

from typing import Any

from seology_pipeline.audit.base import SEVERITY_ORDER, Rule, RuleInfo
from seology_pipeline.audit.checks import (
    content,
    crawlability,
    indexability,
    international,
    links,
    media,
    response,
    security,
    structured,
    urls,
)
from seology_pipeline.audit.config import AuditConfig
from seology_pipeline.audit.standards import STANDARDS


def _register(*groups: tuple[Rule, ...]) -> tuple[Rule, ...]:
    rules = [rule for group in groups for rule in group]
    codes = [rule.code for rule in rules]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise RuntimeError(f"audit rule codes registered twice: {duplicates}")
    unsourced = sorted(set(codes) - set(STANDARDS))
    if unsourced:
        raise RuntimeError(f"audit rules without a standard in audit/standards.py: {unsourced}")
    rank = {severity: n for n, severity in enumerate(reversed(SEVERITY_ORDER))}
    return tuple(sorted(rules, key=lambda r: (rank[r.severity], r.category, r.code)))


RULES: tuple[Rule, ...] = _register(
    response.RULES,
    crawlability.RULES,
    indexability.RULES,
    security.RULES,
    links.RULES,
    content.RULES,
    structured.RULES,
    international.RULES,
    media.RULES,
    urls.RULES,
)
RULE_CODES: frozenset[str] = frozenset(rule.code for rule in RULES)
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def catalogue(config: AuditConfig | None = None) -> list[RuleInfo]:
    """Every rule with its base severity and the threshold values ``config`` gives it."""
    config = config or AuditConfig()
    return [
        RuleInfo(
            code=rule.code,
            category=rule.category.value,
            severity=config.severity_overrides.get(rule.code, rule.severity).value,
            scope=rule.scope.value,
            title=rule.title,
            description=rule.description,
            thresholds={name: getattr(config, name) for name in rule.thresholds},
            standard=STANDARDS[rule.code],
        )
        for rule in RULES
        if rule.code not in config.disabled_rules
    ]


def site_config(settings: dict[str, Any] | None) -> AuditConfig:
    """A site's audit config from its ``site_connections.settings`` (the ``audit`` key).

    Raises ``ValueError`` naming the offending ``audit.<field>`` setting or unknown rule code.
    """
    return AuditConfig.from_site_settings(settings, RULE_CODES)
