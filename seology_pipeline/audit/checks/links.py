"""Internal links to errors and redirects, broken external links (pandas over the link table)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from seology_pipeline.audit.base import Category, Hit, Rule, Scope
from seology_pipeline.audit.checks import per_page, plural, sample
from seology_pipeline.audit.site import AuditContext
from seology_pipeline.crawl.records import ErrorKind, PageRecord
from seology_pipeline.db.models import Severity


def _links_where(ctx: AuditContext, target_mask: np.ndarray) -> pd.DataFrame:
    """Internal links whose crawled target row satisfies ``target_mask`` (one row per link)."""
    dst = ctx.links["dst"].to_numpy()
    rows = np.flatnonzero(dst >= 0)
    return ctx.links.take(rows[target_mask[dst[rows]]])


def _per_source(ctx: AuditContext, links: pd.DataFrame) -> Iterator[tuple[int, list[dict], int]]:
    """Per source page: its distinct offending targets (capped) and their count."""
    unique = links.drop_duplicates(["src", "dst"]).sort_values(["src", "dst"])
    status = ctx.col("status")
    limit = ctx.config.max_evidence_items
    sources = unique["src"].to_numpy()
    dsts = unique["dst"].tolist()
    bounds = (np.flatnonzero(np.diff(sources)) + 1).tolist()
    for start, end in zip([0, *bounds], [*bounds, len(sources)], strict=True):
        if start == end:
            continue
        src = int(sources[start])
        items = []
        for k in range(start, min(end, start + limit)):
            target = ctx.pages[dsts[k]].url
            anchor = ctx.anchor(src, target)[:100]
            items.append({"target": target, "anchor": anchor, "status": int(status[dsts[k]])})
        yield src, items, end - start


def _broken_internal(ctx: AuditContext) -> Iterator[Hit]:
    status = ctx.col("status")
    broken = _links_where(ctx, (status >= 400) & (status < 500))
    for src, items, count in _per_source(ctx, broken):
        first = items[0]
        yield Hit(
            ctx.pages[src].url,
            f"Links to {plural(count, 'broken URL')}, e.g. {first['target']} "
            f"({first['status']}, anchor “{first['anchor']}”).",
            {"count": count, "links": items},
        )


def _links_to_redirects(ctx: AuditContext) -> Iterator[Hit]:
    redirecting = _links_where(ctx, ctx.col("redirected"))
    for src, items, count in _per_source(ctx, redirecting):
        for item in items:
            item["final_url"] = ctx.pages[ctx.by_url[item["target"]]].final_url
        yield Hit(
            ctx.pages[src].url,
            f"Links to {plural(count, 'URL')} that redirect; link to the final URL instead.",
            {"count": count, "links": items},
        )


def _non_html_linked(ctx: AuditContext) -> Iterator[Hit]:
    inlinks = ctx.inlinks
    for i, page in enumerate(ctx.pages):
        if page.error_kind != ErrorKind.NON_HTML or not inlinks[i]:
            continue
        kind = (page.content_type or "unknown type").split(";")[0].strip()
        yield Hit(
            page.url,
            f"A {kind} file is linked like a page from {plural(int(inlinks[i]), 'page')}.",
            {"content_type": kind, "inlinks": int(inlinks[i]), "found_on": page.found_on},
        )


def _broken_external(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if not ctx.external:
        return None
    bad = []
    seen = set()
    for link in page.links:
        if link.internal or not link.url or link.url in seen:
            continue
        seen.add(link.url)
        checked = ctx.external.get(link.url)
        if checked is not None and (checked.status is None or checked.status >= 400):
            bad.append({"target": link.url, "anchor": link.anchor[:100], "status": checked.status})
    if not bad:
        return None
    return Hit(
        page.url,
        f"Links to {plural(len(bad), 'broken external URL')}, e.g. {bad[0]['target']}.",
        {"count": len(bad), "links": sample(bad, ctx)},
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "broken_internal_link",
        Category.LINKS,
        Severity.HIGH,
        "Internal link to a 4xx",
        "The page links to internal URLs that answer 4xx (source page, anchor text and target "
        "in the evidence).",
        _broken_internal,
        Scope.PAGE,
    ),
    Rule(
        "link_to_redirect",
        Category.LINKS,
        Severity.LOW,
        "Internal link to a redirect",
        "The page links to internal URLs that redirect.",
        _links_to_redirects,
        Scope.PAGE,
    ),
    Rule(
        "non_html_linked",
        Category.LINKS,
        Severity.LOW,
        "Non-HTML resource linked as a page",
        "An internal <a href> leads to a PDF, image or other non-HTML file; say so in the anchor "
        "or link an HTML page describing it.",
        _non_html_linked,
        Scope.PAGE,
    ),
    Rule(
        "broken_external_link",
        Category.LINKS,
        Severity.LOW,
        "Broken external link",
        "The page links to external URLs that answered 4xx/5xx or nothing (only when the crawl "
        "checked external links).",
        per_page(_broken_external),
        Scope.PAGE,
    ),
)
