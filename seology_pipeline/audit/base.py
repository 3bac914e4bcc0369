"""Building blocks of the audit: severities, categories, rules, hits and findings."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from seology_pipeline.audit.site import AuditContext
from seology_pipeline.db.models import Severity

SEVERITY_ORDER: tuple[Severity, ...] = (
    Severity.LOW,
    Severity.MEDIUM,
    Severity.HIGH,
    Severity.CRITICAL,
)


def shift_severity(severity: Severity, steps: int) -> Severity:
    """``severity`` moved ``steps`` levels up (positive) or down, clamped to low…critical."""
    index = SEVERITY_ORDER.index(severity) + steps
    return SEVERITY_ORDER[max(0, min(len(SEVERITY_ORDER) - 1, index))]


class Category(enum.StrEnum):
    RESPONSE = "response"
    CRAWLABILITY = "crawlability"
    INDEXABILITY = "indexability"
    LINKS = "links"
    CONTENT = "content"
    METADATA = "metadata"
    STRUCTURED_DATA = "structured_data"
    INTERNATIONAL = "international"
    SECURITY = "security"
    PERFORMANCE = "performance"
    SITEMAP = "sitemap"
    URL = "url"
    IMAGES = "images"
    SOCIAL = "social"


class Scope(enum.StrEnum):
    """How severity in context applies to a rule (see :mod:`seology_pipeline.audit.engine`).

    ``page``: one level up on the home page or when the rule hits more than
    ``prevalence_ratio`` of indexable pages; one level down on pages that are noindex or
    canonicalised elsewhere. ``indexing``: the rule is about indexability itself, so only the
    escalation applies. ``site``: a site-wide fact, no adjustment.
    """

    PAGE = "page"
    INDEXING = "indexing"
    SITE = "site"


@dataclass(slots=True)
class Hit:
    """What a rule reports: the URL, a message, JSON-safe evidence and the identifying key.

    ``key`` is the part of the evidence that tells two hits of one rule on one URL apart
    (an image URL, a response header); it goes into the fingerprint, measured values do not.
    ``severity``, when a rule sets it, is the finding's severity as it stands (the rule judged the
    context itself): no context adjustment applies, only the site's ``severity_overrides``.
    """

    url: str | None
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    severity: Severity | None = None


Check = Callable[[AuditContext], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One audit rule. ``thresholds`` name the :class:`AuditConfig` fields the rule reads."""

    code: str
    category: Category
    severity: Severity
    title: str
    description: str
    check: Check
    scope: Scope = Scope.PAGE
    thresholds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A rule as the catalogue prints it (thresholds with their effective values)."""

    code: str
    category: str
    severity: str
    scope: str
    title: str
    description: str
    thresholds: dict[str, Any]
    standard: str


@dataclass(slots=True)
class Finding:
    """One issue of one crawl, ready for history: severity already adjusted to its context."""

    rule_code: str
    category: str
    severity: Severity
    url: str | None
    message: str
    evidence: dict[str, Any]
    fingerprint: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_code": self.rule_code,
            "category": self.category,
            "severity": self.severity.value,
            "url": self.url,
            "message": self.message,
            "evidence": self.evidence,
            "fingerprint": self.fingerprint,
        }


def fingerprint(rule_code: str, url: str | None, key: str = "") -> str:
    """A stable 64-character id: sha256 of rule code, URL and the hit's identifying key."""
    raw = "\x1f".join((rule_code, url or "", key))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
