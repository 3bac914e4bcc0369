"""The "all URLs" export: every crawled URL of a crawl with its status, depth, indexability,
canonical, sitemap and rendering flags and its issue count, beside the crawl's limits."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy.orm import Session

from seology_pipeline.crawl.records import UNLINKED_DEPTH, ErrorKind, PageRecord, SiteFacts
from seology_pipeline.report.data import load_report
from seology_pipeline.runs.crawl_run import load_page_records

URL_COLUMNS = (
    "url",
    "status",
    "depth",
    "indexability",
    "canonical",
    "in_sitemap",
    "rendered",
    "issues",
    "final_url",
    "found_on",
)


def indexability(record: PageRecord) -> str:
    """``indexable``, or the first reason the URL is not: blocked, no_response, redirected,
    non_200, non_html, noindex, canonicalised."""
    if record.error_kind == ErrorKind.BLOCKED_BY_ROBOTS:
        return "blocked"
    if record.status is None:
        return "no_response"
    if record.redirect_chain:
        return "redirected"
    if record.status != 200:
        return "non_200"
    if not record.is_html:
        return "non_html"
    if record.noindex:
        return "noindex"
    if record.canonical and record.canonical not in (record.url, record.final_url):
        return "canonicalised"
    return "indexable"


def url_rows(records: list[PageRecord], facts: SiteFacts, issues: Counter[str]) -> list[dict]:
    sitemap = set(facts.sitemap_pages)
    return [
        {
            "url": r.url,
            "status": r.status,
            "depth": None if r.depth == UNLINKED_DEPTH else r.depth,
            "indexability": indexability(r),
            "canonical": r.canonical,
            "in_sitemap": r.in_sitemap or r.url in sitemap,
            "rendered": r.rendered,
            "issues": issues.get(r.url, 0),
            "final_url": r.final_url,
            "found_on": r.found_on,
        }
        for r in records
    ]


def crawl_limits(facts: SiteFacts) -> dict[str, Any]:
    """Whether a limit stopped the crawl and how many URLs it left, plus sitemap hygiene."""
    return {
        "pages_crawled": facts.pages_crawled,
        "stopped_reason": facts.stopped_reason,
        "urls_left": dict(facts.urls_left),
        "sitemap_only_urls": facts.sitemap_only_urls,
        "sitemap_hygiene": dict(facts.sitemap_hygiene),
        "canonical_targets_checked": facts.canonical_targets_checked,
    }


def crawl_export(session: Session, site_id: str, crawl_id: int | None = None) -> dict[str, Any]:
    """The JSON report: the crawl and its limits, every crawled URL, and the issue rows."""
    report = load_report(session, site_id, crawl_id)
    facts = SiteFacts.from_dict(report.crawl.site_facts or {"root_url": report.site.root_url})
    open_rows = [row for row in report.rows if row["change"] != "resolved"]
    per_url = Counter(row["url"] for row in open_rows)
    return {
        "site_id": site_id,
        "crawl_id": report.crawl.id,
        "health_score": report.health_score,
        "crawl": crawl_limits(facts),
        "urls": url_rows(load_page_records(session, report.crawl.id), facts, per_url),
        "issues": report.rows,
    }
