"""noindex, canonicals, duplicate content, sitemaps and raw-versus-rendered differences."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from seology_pipeline.audit.base import Category, Hit, Rule, Scope
from seology_pipeline.audit.checks import per_page, plural, sample
from seology_pipeline.audit.site import AuditContext, resolve_url
from seology_pipeline.crawl.records import PageRecord
from seology_pipeline.db.models import Severity

RENDER_FIELDS = frozenset({"title", "canonical", "robots", "meta_robots", "links"})


def _noindex_share_of_sitemap(ctx: AuditContext) -> float:
    in_sitemap = ctx.col("in_sitemap")
    listed = int(in_sitemap.sum())
    return float(np.sum(in_sitemap & ctx.col("noindex"))) / listed if listed else 0.0


def _noindex_linked(ctx: AuditContext) -> Iterator[Hit]:
    """A linked-only noindex page (tag, category, paging archives) is a notice; in the sitemap
    the signals conflict (high); the home page or a large share of the sitemap is critical."""
    share = _noindex_share_of_sitemap(ctx)
    critical_share = ctx.config.noindex_sitemap_critical_share
    noindex, in_sitemap = ctx.col("noindex"), ctx.col("in_sitemap")
    for i in np.flatnonzero(noindex):
        page = ctx.pages[i]
        inlinks = int(ctx.inlinks[i])
        listed = bool(in_sitemap[i])
        home = bool(ctx.home == i)
        if not (listed or inlinks or home):
            continue
        if home:
            severity, where = Severity.CRITICAL, "is the home page"
        elif listed and share > critical_share:
            severity = Severity.CRITICAL
            where = f"is in the sitemap, where {share:.0%} of the URLs are noindex"
        elif listed:
            severity, where = Severity.HIGH, "is listed in the sitemap"
        else:
            severity, where = Severity.LOW, f"has {plural(inlinks, 'internal inlink')}"
        yield Hit(
            page.url,
            f"The page is noindex but {where}.",
            {
                "in_sitemap": listed,
                "inlinks": inlinks,
                "home_page": home,
                "directives": sorted(page.robots_directives),
            },
            severity=severity,
        )


def target_problems(ctx: AuditContext, url: str) -> list[str]:
    """Why a crawled internal ``url`` is not a valid canonical/hreflang/sitemap target."""
    j = ctx.by_url.get(url)
    if j is None:
        return []
    problems = []
    status = ctx.pages[j].status
    if ctx.col("blocked")[j]:
        problems.append("blocked by robots.txt")
    elif ctx.col("redirected")[j]:
        problems.append(f"redirects to {ctx.pages[j].final_url}")
    elif status != 200:
        problems.append(f"answers {status if status is not None else 'nothing'}")
    if ctx.col("noindex")[j]:
        problems.append("noindex")
    if ctx.col("canonicalised")[j]:
        problems.append(f"canonicalised to {ctx.col('canonical')[j]}")
    return problems


def _canonical_target(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if not ctx.col("canonical_other")[i]:
        return None
    target = ctx.col("canonical")[i]
    problems = target_problems(ctx, target)
    if not problems:
        return None
    return Hit(
        page.url,
        f"The canonical {target} is not a valid target: {', '.join(problems)}; the page is "
        "treated as its own canonical.",
        {"canonical": target, "problems": problems},
        key=target,
    )


def _canonicalised(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if not ctx.col("canonicalised")[i]:
        return None
    target = ctx.col("canonical")[i]
    return Hit(
        page.url,
        f"The page names another URL as canonical: {target}.",
        {"canonical": target},
        severity=Severity.LOW,
    )


def _canonical_conflict(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    base = page.final_url or page.url
    html = {resolve_url(base, c.text) for c in page.canonicals if c.text.strip()}
    reasons = []
    if len(html) > 1:
        reasons.append(f"{len(html)} different canonical tags")
    header = resolve_url(base, page.header_canonical) if page.header_canonical else None
    if header and html and header not in html:
        reasons.append("HTTP Link header canonical differs from the HTML one")
    if any(not c.in_head for c in page.canonicals):
        reasons.append("canonical tag outside <head>")
    if not reasons:
        return None
    return Hit(
        page.url,
        f"Conflicting canonicals: {'; '.join(reasons)}.",
        {"html": sorted(html), "header": header, "reasons": reasons},
    )


def _canonical_missing(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if page.canonical:
        return None
    return Hit(page.url, "The page declares no canonical URL.", {})


def _canonical_relative(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    raw = page.canonical_href or page.canonical
    if not raw or raw.strip().lower().startswith(("http://", "https://")):
        return None
    return Hit(
        page.url, f"The canonical “{raw}” is relative; use an absolute URL.", {"canonical": raw}
    )


def _duplicate_content(ctx: AuditContext) -> Iterator[Hit]:
    for row, group in ctx.duplicate_groups("content_hash").items():
        yield Hit(
            ctx.pages[row].url,
            f"Same content as {plural(group.size - 1, 'other indexable page')} and no canonical "
            "consolidates them.",
            {
                "group_size": group.size,
                "urls": group.urls,
                "content_hash": ctx.pages[row].content_hash,
            },
        )


def _near_duplicates(ctx: AuditContext) -> Iterator[Hit]:
    hashes = ctx.col("simhash")
    for row, (_gid, members) in ctx.near_duplicates.items():
        others = [m for m in members if m != row]
        closest = min(others, key=lambda m: (int(hashes[row]) ^ int(hashes[m])).bit_count())
        distance = (int(hashes[row]) ^ int(hashes[closest])).bit_count()
        yield Hit(
            ctx.pages[row].url,
            f"Near-duplicate of {plural(len(others), 'other page')} "
            f"(closest {1 - distance / 64:.0%} similar: {ctx.pages[closest].url}).",
            {
                "group_size": len(members),
                "closest": ctx.pages[closest].url,
                "similarity": round(1 - distance / 64, 3),
                "urls": sample((ctx.pages[m].url for m in others), ctx),
            },
        )


def _sitemap_invalid(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if not ctx.col("in_sitemap")[i]:
        return None
    problems = target_problems(ctx, page.url)
    if not problems:
        return None
    return Hit(
        page.url,
        f"The sitemap lists a URL that should not be there: {', '.join(problems)}.",
        {"problems": problems, "status": page.status},
    )


def _sitemap_missing(ctx: AuditContext) -> Iterator[Hit]:
    facts = ctx.facts
    if not facts.sitemap_urls:
        yield Hit(
            facts.final_root_url or facts.root_url,
            "No XML sitemap was found (robots.txt Sitemap: lines or /sitemap.xml).",
            {"errors": sample(facts.sitemap_errors, ctx)},
        )


def _sitemap_too_large(ctx: AuditContext) -> Iterator[Hit]:
    facts = ctx.facts
    limit = ctx.config.sitemap_max_urls
    files = max(1, len(facts.sitemap_urls))
    if facts.sitemap_url_count > limit * files:
        yield Hit(
            facts.sitemap_urls[0] if facts.sitemap_urls else facts.root_url,
            f"The sitemap{'s' if files > 1 else ''} list {facts.sitemap_url_count} URLs: more than "
            f"{limit} in one file; split it with a sitemap index.",
            {"url_count": facts.sitemap_url_count, "files": files, "limit": limit},
        )


def _render_mismatch(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    diffs = [d for d in page.render_diffs if d.field in RENDER_FIELDS]
    if not diffs:
        return None
    return Hit(
        page.url,
        f"Raw HTML and rendered page disagree on {', '.join(sorted({d.field for d in diffs}))}.",
        {
            "diffs": [
                {"field": d.field, "raw": _short(d.raw), "rendered": _short(d.rendered)}
                for d in diffs
            ]
        },
    )


def _short(value: object) -> object:
    if isinstance(value, str):
        return value[:300]
    if isinstance(value, list | tuple):
        return [_short(v) for v in value[:20]]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:300]


RULES: tuple[Rule, ...] = (
    Rule(
        "noindex_linked",
        Category.INDEXABILITY,
        Severity.LOW,
        "noindex page in sitemap or linked",
        "A noindex page that is only linked is a notice (low: tag, category and paging archives "
        "are the classic case); high when it is in the sitemap (conflicting signals); critical "
        "for the home page or when more than noindex_sitemap_critical_share of the sitemap's "
        "crawled URLs are noindex.",
        _noindex_linked,
        Scope.INDEXING,
        ("noindex_sitemap_critical_share",),
    ),
    Rule(
        "canonical_target_invalid",
        Category.INDEXABILITY,
        Severity.HIGH,
        "Canonical to an invalid URL",
        "The canonical points to a URL that is not 200, is noindex, blocked, redirects, or is "
        "itself canonicalised elsewhere (the crawl fetches every canonical target); such a page "
        "is not treated as canonicalised.",
        per_page(_canonical_target),
        Scope.INDEXING,
    ),
    Rule(
        "canonicalised",
        Category.INDEXABILITY,
        Severity.LOW,
        "Canonicalised page",
        "A notice: the page's canonical is another (valid) URL, so search engines index that "
        "one instead.",
        per_page(_canonicalised),
        Scope.INDEXING,
    ),
    Rule(
        "canonical_conflict",
        Category.INDEXABILITY,
        Severity.HIGH,
        "Conflicting canonicals",
        "Several different canonicals, an HTTP header canonical differing from the HTML one, or "
        "a canonical outside <head> (ignored by Google).",
        per_page(_canonical_conflict),
        Scope.INDEXING,
    ),
    Rule(
        "duplicate_content",
        Category.CONTENT,
        Severity.HIGH,
        "Exact duplicate content",
        "Indexable pages with identical main text (content hash) and no canonical consolidating "
        "them.",
        _duplicate_content,
        Scope.PAGE,
    ),
    Rule(
        "render_mismatch",
        Category.INDEXABILITY,
        Severity.HIGH,
        "Raw and rendered HTML disagree",
        "Title, canonical, robots directives or links differ between the HTML the server sent "
        "and the DOM after JavaScript.",
        per_page(_render_mismatch),
        Scope.INDEXING,
    ),
    Rule(
        "near_duplicate",
        Category.CONTENT,
        Severity.MEDIUM,
        "Near-duplicate content",
        "Indexable pages whose main-text simhashes are at least near_duplicate_similarity alike "
        "(0.90 = at most 6 of 64 bits differ).",
        _near_duplicates,
        Scope.PAGE,
        ("near_duplicate_similarity", "near_duplicate_window"),
    ),
    Rule(
        "sitemap_invalid_url",
        Category.SITEMAP,
        Severity.MEDIUM,
        "Sitemap lists a bad URL",
        "The sitemap lists a URL that is not 200, redirects, is noindex, blocked or canonicalised "
        "elsewhere.",
        per_page(_sitemap_invalid, content_only=False),
        Scope.INDEXING,
    ),
    Rule(
        "sitemap_missing",
        Category.SITEMAP,
        Severity.MEDIUM,
        "No sitemap",
        "No XML sitemap was found.",
        _sitemap_missing,
        Scope.SITE,
    ),
    Rule(
        "sitemap_too_large",
        Category.SITEMAP,
        Severity.MEDIUM,
        "Sitemap over 50,000 URLs",
        "A sitemap file holds more than sitemap_max_urls URLs (the protocol's limit).",
        _sitemap_too_large,
        Scope.SITE,
        ("sitemap_max_urls",),
    ),
    Rule(
        "canonical_missing",
        Category.INDEXABILITY,
        Severity.LOW,
        "Canonical missing",
        "The page declares no canonical URL (tag or Link header).",
        per_page(_canonical_missing),
        Scope.PAGE,
    ),
    Rule(
        "canonical_relative",
        Category.INDEXABILITY,
        Severity.LOW,
        "Relative canonical",
        "The canonical is a relative URL; absolute URLs avoid misreadings.",
        per_page(_canonical_relative),
        Scope.PAGE,
    ),
)
