"""The analysis output schema (what Claude must return) and its validation after parsing.

The schema sent to the API carries no length limits (structured outputs ignore most of them);
:func:`validate_analysis` enforces them afterwards: unknown issue ids are dropped, text is
cleaned and clamped, and only URLs of the customer's own site survive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from seology_pipeline.analysis.text import clean_text

SeverityName = Literal["critical", "high", "medium", "low"]
Level = Literal["high", "medium", "low"]

MAX_SUMMARY = 2000
MAX_TITLE = 160
MAX_RATIONALE = 1200
MAX_CATEGORY = 40
MAX_ACTIONS = 15
MAX_QUICK_WINS = 8
MAX_IDS = 50
MAX_URLS = 10
MAX_URL_LENGTH = 2048


class RankedAction(BaseModel):
    title: str = Field(description="Imperative, specific action, under 120 characters")
    rationale: str = Field(description="Why it matters for this site, citing the evidence")
    issue_ids: list[int] = Field(description="Ids of the input issues this action fixes")
    category: str = Field(description="Issue category, as in the input")
    severity: SeverityName
    impact: Level
    effort: Level
    affected_urls: list[str] = Field(description="Up to 10 URLs of this site from the input")


class QuickWin(BaseModel):
    title: str = Field(description="A small change with a visible SEO benefit")
    rationale: str
    issue_ids: list[int]


class SiteAnalysis(BaseModel):
    """Ranked, evidence-linked recommendations for one site (the structured-output schema)."""

    summary: str = Field(description="Three to six sentences on the site's SEO state")
    actions: list[RankedAction] = Field(description="Most valuable first, at most 15")
    quick_wins: list[QuickWin] = Field(description="At most 8 low-effort fixes")


@dataclass(slots=True)
class ValidationReport:
    """What :func:`validate_analysis` changed; stored with the result."""

    dropped_issue_ids: list[int] = field(default_factory=list)
    dropped_urls: int = 0
    clamped_fields: int = 0
    dropped_actions: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "dropped_issue_ids": self.dropped_issue_ids[:MAX_IDS],
            "dropped_issue_id_count": len(self.dropped_issue_ids),
            "dropped_urls": self.dropped_urls,
            "clamped_fields": self.clamped_fields,
            "dropped_actions": self.dropped_actions,
        }


def site_hosts(root_url: str) -> frozenset[str]:
    """Host names that count as the customer's own site (with and without ``www.``)."""
    host = (urlsplit(root_url).hostname or "").lower().rstrip(".")
    bare = host.removeprefix("www.")
    return frozenset({bare, f"www.{bare}"})


def is_own_url(url: str, hosts: frozenset[str]) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower().rstrip(".")
    return (
        parts.scheme in ("http", "https")
        and host in hosts
        and not parts.username
        and not parts.password
        and len(url) <= MAX_URL_LENGTH
    )


def validate_analysis(
    analysis: SiteAnalysis, known_ids: set[int], hosts: frozenset[str]
) -> tuple[SiteAnalysis, ValidationReport]:
    """A cleaned copy of ``analysis`` and a report of what was dropped or clamped."""
    report = ValidationReport()

    def text(value: str, limit: int) -> str:
        cleaned = clean_text(value, limit)
        if cleaned != value:
            report.clamped_fields += 1
        return cleaned

    def ids(values: list[int]) -> list[int]:
        kept: list[int] = []
        for value in values:
            if value in known_ids:
                if value not in kept:
                    kept.append(value)
            else:
                report.dropped_issue_ids.append(value)
        return kept[:MAX_IDS]

    def urls(values: list[str]) -> list[str]:
        kept = [url for url in dict.fromkeys(values) if is_own_url(url, hosts)]
        report.dropped_urls += len(set(values)) - len(kept)
        return kept[:MAX_URLS]

    actions = []
    for action in analysis.actions:
        title = text(action.title, MAX_TITLE)
        if not title:
            report.dropped_actions += 1
            continue
        actions.append(
            RankedAction(
                title=title,
                rationale=text(action.rationale, MAX_RATIONALE),
                issue_ids=ids(action.issue_ids),
                category=text(action.category, MAX_CATEGORY),
                severity=action.severity,
                impact=action.impact,
                effort=action.effort,
                affected_urls=urls(action.affected_urls),
            )
        )
    quick_wins = []
    for win in analysis.quick_wins:
        title = text(win.title, MAX_TITLE)
        if not title:
            report.dropped_actions += 1
            continue
        quick_wins.append(
            QuickWin(
                title=title,
                rationale=text(win.rationale, MAX_RATIONALE),
                issue_ids=ids(win.issue_ids),
            )
        )
    report.dropped_actions += max(0, len(actions) - MAX_ACTIONS)
    report.dropped_actions += max(0, len(quick_wins) - MAX_QUICK_WINS)
    cleaned = SiteAnalysis(
        summary=text(analysis.summary, MAX_SUMMARY),
        actions=actions[:MAX_ACTIONS],
        quick_wins=quick_wins[:MAX_QUICK_WINS],
    )
    return cleaned, report


def render_markdown(analysis: SiteAnalysis, label: str) -> str:
    """A readable rendering of an analysis (stored as the assistant's text, shown in the UI)."""
    lines = [f"**{label}**", "", analysis.summary, ""]
    if analysis.actions:
        lines.append("### Ranked actions")
        for rank, action in enumerate(analysis.actions, start=1):
            refs = ", ".join(f"#{i}" for i in action.issue_ids[:10]) or "—"
            lines.append(
                f"{rank}. **{action.title}** ({action.severity}, impact {action.impact}, "
                f"effort {action.effort}; issues {refs}) — {action.rationale}"
            )
        lines.append("")
    if analysis.quick_wins:
        lines.append("### Quick wins")
        lines.extend(f"- **{win.title}** — {win.rationale}" for win in analysis.quick_wins)
    return "\n".join(lines).strip()
