"""Titles, meta descriptions, headings, word count and viewport."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from seology_pipeline.audit.base import Category, Hit, Rule, Scope
from seology_pipeline.audit.checks import per_page, plural
from seology_pipeline.audit.site import AuditContext
from seology_pipeline.crawl.records import PageRecord
from seology_pipeline.db.models import Severity


def _title_missing(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if page.title and page.title.strip():
        return None
    what = "empty" if page.titles else "missing"
    return Hit(page.url, f"The <title> is {what}.", {"titles": len(page.titles)})


def _title_length(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    title = (page.title or "").strip()
    low, high = ctx.config.title_min_chars, ctx.config.title_max_chars
    if not title or low <= len(title) <= high:
        return None
    side = "short" if len(title) < low else "long"
    return Hit(
        page.url,
        f"The title is too {side}: {len(title)} characters (aim for {low}–{high}).",
        {"length": len(title), "min": low, "max": high, "title": title[:200]},
    )


def _duplicates(ctx: AuditContext, column: str, what: str) -> Iterator[Hit]:
    for row, group in ctx.duplicate_groups(column).items():
        yield Hit(
            ctx.pages[row].url,
            f"The same {what} is used on {plural(group.size - 1, 'other indexable page')}.",
            {"group_size": group.size, "urls": group.urls, "value": ctx.col(column)[row][:200]},
        )


def _duplicate_title(ctx: AuditContext) -> Iterator[Hit]:
    return _duplicates(ctx, "title_key", "title")


def _duplicate_description(ctx: AuditContext) -> Iterator[Hit]:
    return _duplicates(ctx, "desc_key", "meta description")


def _duplicate_h1(ctx: AuditContext) -> Iterator[Hit]:
    return _duplicates(ctx, "h1_key", "h1")


def _head_misplaced(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    reasons = []
    if len(page.titles) > 1:
        reasons.append(f"{len(page.titles)} <title> elements")
    if any(not t.in_head for t in page.titles):
        reasons.append("<title> outside <head>")
    if len(page.meta_descriptions) > 1:
        reasons.append(f"{len(page.meta_descriptions)} meta descriptions")
    if any(not d.in_head for d in page.meta_descriptions):
        reasons.append("meta description outside <head>")
    if not reasons:
        return None
    return Hit(page.url, f"Head metadata problem: {'; '.join(reasons)}.", {"reasons": reasons})


def _description_missing(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if page.meta_description and page.meta_description.strip():
        return None
    return Hit(page.url, "The page has no meta description.", {})


def _description_length(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    text = (page.meta_description or "").strip()
    low, high = ctx.config.description_min_chars, ctx.config.description_max_chars
    if not text or low <= len(text) <= high:
        return None
    side = "short" if len(text) < low else "long"
    return Hit(
        page.url,
        f"The meta description is too {side}: {len(text)} characters (aim for {low}–{high}).",
        {"length": len(text), "min": low, "max": high},
    )


def _h1_count(page: PageRecord) -> int:
    return max(page.heading_counts.get("h1", 0), len(page.h1_texts))


def _h1_missing(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if _h1_count(page):
        return None
    return Hit(page.url, "The page has no <h1>.", {})


def _h1_multiple(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    count = _h1_count(page)
    if count < 2:
        return None
    return Hit(
        page.url, f"The page has {count} <h1> elements.", {"count": count, "h1": page.h1_texts[:5]}
    )


def _heading_skips(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    levels = page.heading_levels
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    if not skips:
        return None
    a, b = skips[0]
    return Hit(
        page.url,
        f"Heading levels skip from h{a} to h{b}"
        + (f" ({len(skips)} skips)." if len(skips) > 1 else "."),
        {"skips": [f"h{x}>h{y}" for x, y in skips[:20]]},
    )


def _thin_content(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    limit = ctx.config.thin_content_words
    if page.word_count >= limit:
        return None
    return Hit(
        page.url,
        f"Only {page.word_count} words of main text (at least {limit} expected).",
        {"word_count": page.word_count, "limit": limit},
    )


def _viewport_missing(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if page.viewport and page.viewport.strip():
        return None
    return Hit(page.url, "No <meta name=viewport>: the page is not mobile-friendly.", {})


RULES: tuple[Rule, ...] = (
    Rule(
        "title_missing",
        Category.METADATA,
        Severity.HIGH,
        "Title missing or empty",
        "The page has no <title> or an empty one.",
        per_page(_title_missing),
        Scope.PAGE,
    ),
    Rule(
        "duplicate_title",
        Category.METADATA,
        Severity.MEDIUM,
        "Duplicate title",
        "Indexable pages share the same (normalised) title.",
        _duplicate_title,
        Scope.PAGE,
    ),
    Rule(
        "head_metadata_misplaced",
        Category.METADATA,
        Severity.MEDIUM,
        "Several titles or metadata outside <head>",
        "More than one <title> or meta description, or one outside <head>.",
        per_page(_head_misplaced),
        Scope.PAGE,
    ),
    Rule(
        "h1_missing",
        Category.CONTENT,
        Severity.MEDIUM,
        "h1 missing",
        "The page has no <h1> heading.",
        per_page(_h1_missing),
        Scope.PAGE,
    ),
    Rule(
        "thin_content",
        Category.CONTENT,
        Severity.MEDIUM,
        "Thin content",
        "Fewer than thin_content_words words of main text.",
        per_page(_thin_content),
        Scope.PAGE,
        ("thin_content_words",),
    ),
    Rule(
        "viewport_missing",
        Category.CONTENT,
        Severity.MEDIUM,
        "Viewport missing",
        "No <meta name=viewport>; the page is not mobile-friendly.",
        per_page(_viewport_missing),
        Scope.PAGE,
    ),
    Rule(
        "title_length",
        Category.METADATA,
        Severity.LOW,
        "Title too short or too long",
        "Title length outside title_min_chars–title_max_chars.",
        per_page(_title_length),
        Scope.PAGE,
        ("title_min_chars", "title_max_chars"),
    ),
    Rule(
        "meta_description_missing",
        Category.METADATA,
        Severity.LOW,
        "Meta description missing",
        "The page has no meta description.",
        per_page(_description_missing),
        Scope.PAGE,
    ),
    Rule(
        "duplicate_meta_description",
        Category.METADATA,
        Severity.LOW,
        "Duplicate meta description",
        "Indexable pages share the same meta description.",
        _duplicate_description,
        Scope.PAGE,
    ),
    Rule(
        "meta_description_length",
        Category.METADATA,
        Severity.LOW,
        "Meta description too short or too long",
        "Meta description length outside description_min_chars–description_max_chars.",
        per_page(_description_length),
        Scope.PAGE,
        ("description_min_chars", "description_max_chars"),
    ),
    Rule(
        "h1_multiple",
        Category.CONTENT,
        Severity.LOW,
        "Several h1",
        "The page has more than one <h1>.",
        per_page(_h1_multiple),
        Scope.PAGE,
    ),
    Rule(
        "duplicate_h1",
        Category.CONTENT,
        Severity.LOW,
        "Duplicate h1",
        "Indexable pages share the same h1.",
        _duplicate_h1,
        Scope.PAGE,
    ),
    Rule(
        "heading_levels_skipped",
        Category.CONTENT,
        Severity.LOW,
        "Heading levels skipped",
        "A heading is more than one level below the previous one (e.g. h2 followed by h4).",
        per_page(_heading_skips),
        Scope.PAGE,
    ),
)
