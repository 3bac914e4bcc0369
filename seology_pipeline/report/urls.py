"""The "all URLs" export: every crawled URL of a crawl with its status, depth, indexability,
canonical, sitemap and rendering flags, title, response time, redirect target, inlinks and issue
count, beside the crawl's limits. The HTML report's page list shows the same rows."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy.orm import Session

from seology_pipeline.crawl.records import UNLINKED_DEPTH, ErrorKind, PageRecord, SiteFacts
from seology_pipeline.report.data import ReportData, load_report
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
    "title",
    "response_ms",
    "redirect_target",
    "inlinks",
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


def inlink_counts(records: list[PageRecord]) -> Counter[str]:
    """Distinct crawled pages linking to each URL (self-links not counted)."""
    sources: dict[str, set[str]] = {}
    for record in records:
        for link in record.links:
            if link.url and link.internal and link.url != record.url:
                sources.setdefault(link.url, set()).add(record.url)
    return Counter({url: len(pages) for url, pages in sources.items()})


def url_rows(records: list[PageRecord], facts: SiteFacts, issues: Counter[str]) -> list[dict]:
    """One row per crawled URL, with the ``URL_COLUMNS``."""
    sitemap = set(facts.sitemap_pages)
    inlinks = inlink_counts(records)
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
            "title": r.title,
            "response_ms": None if r.ttfb_ms is None else round(r.ttfb_ms),
            "redirect_target": r.final_url if r.redirect_chain else None,
            "inlinks": inlinks.get(r.url, 0),
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


def _facts(report: ReportData) -> SiteFacts:
    return SiteFacts.from_dict(report.crawl.site_facts or {"root_url": report.site.root_url})


def page_list(session: Session, report: ReportData) -> list[dict]:
    """Every crawled URL of ``report``'s crawl as a row, counting its issues not resolved."""
    per_url = Counter(row["url"] for row in report.rows if row["change"] != "resolved")
    return url_rows(load_page_records(session, report.crawl.id), _facts(report), per_url)


def crawl_export(session: Session, site_id: str, crawl_id: int | None = None) -> dict[str, Any]:
    """The JSON report: the crawl and its limits, every crawled URL, and the issue rows."""
    report = load_report(session, site_id, crawl_id)
    return {
        "site_id": site_id,
        "crawl_id": report.crawl.id,
        "health_score": report.health_score,
        "crawl": crawl_limits(_facts(report)),
        "urls": page_list(session, report),
        "issues": report.rows,
    }
