"""robots.txt, link crawlability, depth and orphans."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin

from seology_pipeline.audit.base import Category, Hit, Rule, Scope
from seology_pipeline.audit.checks import per_page, plural, sample
from seology_pipeline.audit.site import AuditContext
from seology_pipeline.crawl.records import LinkRecord, PageRecord
from seology_pipeline.db.models import Severity


def _robots_url(ctx: AuditContext) -> str:
    return ctx.facts.robots_url or urljoin(
        ctx.facts.final_root_url or ctx.facts.root_url, "/robots.txt"
    )


def _robots_unavailable(ctx: AuditContext) -> Iterator[Hit]:
    facts = ctx.facts
    status = facts.robots_status
    if (status is not None and status >= 500) or (status is None and facts.robots_error):
        reason = f"HTTP {status}" if status is not None else facts.robots_error
        yield Hit(
            _robots_url(ctx),
            f"robots.txt could not be fetched ({reason}); search engines then stop crawling.",
            {"status": status, "error": facts.robots_error},
        )


def _robots_disallows_all(ctx: AuditContext) -> Iterator[Hit]:
    if ctx.facts.robots_disallows_all:
        yield Hit(_robots_url(ctx), "robots.txt disallows the whole site.", {"rule": "Disallow: /"})


def _ai_bots_blocked(ctx: AuditContext) -> Iterator[Hit]:
    bots = sorted(ctx.facts.ai_bots_blocked)
    if bots:
        yield Hit(
            _robots_url(ctx),
            f"robots.txt blocks AI retrieval crawlers: {', '.join(bots)}.",
            {"bots": bots},
        )


def _blocked_linked(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    in_sitemap = bool(ctx.col("in_sitemap")[i])
    if not ctx.col("blocked")[i] or not (ctx.inlinks[i] or in_sitemap):
        return None
    where = "listed in the sitemap" if in_sitemap else "linked internally"
    return Hit(
        page.url,
        f"The URL is blocked by robots.txt yet {where}.",
        {"inlinks": int(ctx.inlinks[i]), "in_sitemap": in_sitemap},
    )


def not_followable(link: LinkRecord) -> bool:
    """A link meant for navigation that crawlers cannot follow: a ``javascript:`` href, or a
    click handler without a real href. ``mailto:``/``tel:`` links, ``<a name>`` targets and
    ``role=button`` controls are not navigation links, so they are not counted."""
    href = (link.href or "").strip()
    if href.lower().startswith("javascript:"):
        return True
    return link.kind == "click" and href in ("", "#")


def _non_crawlable_links(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    bad = [link.href or "(no href, onclick)" for link in page.links if not_followable(link)]
    if not bad:
        return None
    return Hit(
        page.url,
        f"{plural(len(bad), 'link')} cannot be followed (javascript: href or click handler "
        "without href).",
        {"count": len(bad), "hrefs": sample(bad, ctx)},
    )


def _empty_anchors(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    bad = [
        link.url
        for link in page.links
        if link.crawlable and link.kind != "button" and not link.anchor.strip()
    ]
    if not bad:
        return None
    return Hit(
        page.url,
        f"{plural(len(bad), 'link')} without anchor text.",
        {"count": len(bad), "targets": sample(bad, ctx)},
    )


def _internal_nofollow(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    bad = [
        link.url
        for link in page.links
        if link.internal and link.rel and "nofollow" in link.rel.lower()
    ]
    if not bad:
        return None
    return Hit(
        page.url,
        f"{plural(len(bad), 'internal link')} marked nofollow.",
        {"count": len(bad), "targets": sample(bad, ctx)},
    )


def _deep_page(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    limit = ctx.config.deep_page_depth
    if page.depth < limit:
        return None
    return Hit(
        page.url,
        f"The page is {page.depth} clicks from the home page (limit {limit - 1}).",
        {"depth": page.depth, "limit": limit},
    )


def _orphans(ctx: AuditContext) -> Iterator[Hit]:
    in_sitemap = ctx.col("in_sitemap")
    inlinks = ctx.inlinks
    for i in ctx.content_pages:
        if in_sitemap[i] and not inlinks[i] and i != ctx.home:
            yield Hit(
                ctx.pages[i].url,
                "The page is in the sitemap but no crawled page links to it.",
                {"inlinks": 0, "in_sitemap": True},
            )


RULES: tuple[Rule, ...] = (
    Rule(
        "robots_txt_unavailable",
        Category.CRAWLABILITY,
        Severity.CRITICAL,
        "robots.txt unreachable or 5xx",
        "robots.txt answered 5xx or could not be fetched; Google pauses crawling the site.",
        _robots_unavailable,
        Scope.SITE,
    ),
    Rule(
        "robots_txt_disallows_all",
        Category.CRAWLABILITY,
        Severity.CRITICAL,
        "robots.txt disallows the whole site",
        "robots.txt forbids all crawling of the site for general user agents.",
        _robots_disallows_all,
        Scope.SITE,
    ),
    Rule(
        "blocked_url_linked",
        Category.CRAWLABILITY,
        Severity.HIGH,
        "Blocked URL linked or in sitemap",
        "A URL disallowed by robots.txt is linked internally or listed in the sitemap.",
        per_page(_blocked_linked, content_only=False),
        Scope.INDEXING,
    ),
    Rule(
        "orphan_page",
        Category.CRAWLABILITY,
        Severity.MEDIUM,
        "Orphan page",
        "A page in the sitemap that no crawled page links to.",
        _orphans,
        Scope.PAGE,
    ),
    Rule(
        "non_crawlable_link",
        Category.LINKS,
        Severity.MEDIUM,
        "Non-crawlable link",
        "A javascript: href, or a click handler without a real href: crawlers follow only <a> "
        "elements with a resolvable href (mailto:, tel:, <a name> and role=button are fine).",
        per_page(_non_crawlable_links),
        Scope.PAGE,
    ),
    Rule(
        "empty_anchor_text",
        Category.LINKS,
        Severity.MEDIUM,
        "Empty anchor text",
        "A followable link without an accessible name: no text, aria-label, title, image alt "
        "or SVG <title> telling what it points to.",
        per_page(_empty_anchors),
        Scope.PAGE,
    ),
    Rule(
        "internal_nofollow",
        Category.LINKS,
        Severity.LOW,
        "Internal nofollow link",
        "Internal links marked rel=nofollow waste the page's link equity.",
        per_page(_internal_nofollow),
        Scope.PAGE,
    ),
    Rule(
        "deep_page",
        Category.CRAWLABILITY,
        Severity.LOW,
        "Deep page",
        "The page is deep_page_depth or more clicks from the home page.",
        per_page(_deep_page),
        Scope.PAGE,
        ("deep_page_depth",),
    ),
    Rule(
        "ai_crawlers_blocked",
        Category.CRAWLABILITY,
        Severity.LOW,
        "AI crawlers blocked",
        "robots.txt blocks AI retrieval crawlers (GPTBot, ClaudeBot, PerplexityBot, …), so AI "
        "search cannot cite the site.",
        _ai_bots_blocked,
        Scope.SITE,
    ),
)
