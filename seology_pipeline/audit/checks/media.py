"""Images (alt, weight, dimensions) and social sharing tags (Open Graph, Twitter cards)."""

from __future__ import annotations

from seology_pipeline.audit.base import Category, Hit, Rule, Scope
from seology_pipeline.audit.checks import per_page, plural, sample
from seology_pipeline.audit.site import AuditContext
from seology_pipeline.crawl.records import PageRecord
from seology_pipeline.db.models import Severity

OPEN_GRAPH_REQUIRED = ("title", "type", "image", "url")


def _missing_alt(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    bad = [img.url for img in page.images if img.alt is None]
    if not bad:
        return None
    return Hit(
        page.url,
        f"{plural(len(bad), 'image')} without an alt attribute.",
        {"count": len(bad), "images": sample(bad, ctx)},
    )


def _too_large(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    limit = ctx.config.image_max_bytes
    bad = [
        {"url": img.url, "bytes": img.size_bytes}
        for img in page.images
        if img.size_bytes is not None and img.size_bytes > limit
    ]
    if not bad:
        return None
    return Hit(
        page.url,
        f"{plural(len(bad), 'image')} over {limit // 1024} KB.",
        {"count": len(bad), "limit_bytes": limit, "images": sample(bad, ctx)},
    )


def _no_dimensions(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    bad = [img.url for img in page.images if not (img.width and img.height)]
    if not bad:
        return None
    return Hit(
        page.url,
        f"{plural(len(bad), 'image')} without width and height (layout shift).",
        {"count": len(bad), "images": sample(bad, ctx)},
    )


def _tag(tags: dict[str, str], prefix: str, name: str) -> str:
    return (tags.get(f"{prefix}:{name}") or tags.get(name) or "").strip()


def _open_graph(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    missing = [f"og:{n}" for n in OPEN_GRAPH_REQUIRED if not _tag(page.open_graph, "og", n)]
    if not missing:
        return None
    return Hit(page.url, f"Open Graph tags missing: {', '.join(missing)}.", {"missing": missing})


def _twitter(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if _tag(page.twitter, "twitter", "card"):
        return None
    return Hit(page.url, "No twitter:card tag.", {"missing": ["twitter:card"]})


RULES: tuple[Rule, ...] = (
    Rule(
        "image_missing_alt",
        Category.IMAGES,
        Severity.LOW,
        "Image without alt",
        'An <img> has no alt attribute (alt="" for decorative images is fine).',
        per_page(_missing_alt),
        Scope.PAGE,
    ),
    Rule(
        "image_too_large",
        Category.IMAGES,
        Severity.LOW,
        "Image over 100 KB",
        "An image weighs more than image_max_bytes.",
        per_page(_too_large),
        Scope.PAGE,
        ("image_max_bytes",),
    ),
    Rule(
        "image_missing_dimensions",
        Category.IMAGES,
        Severity.LOW,
        "Image without dimensions",
        "An <img> lacks width or height, so the layout shifts while it loads.",
        per_page(_no_dimensions),
        Scope.PAGE,
    ),
    Rule(
        "open_graph_missing",
        Category.SOCIAL,
        Severity.LOW,
        "Open Graph tags missing",
        "og:title, og:type, og:image or og:url is missing; shared links look bare.",
        per_page(_open_graph),
        Scope.PAGE,
    ),
    Rule(
        "twitter_card_missing",
        Category.SOCIAL,
        Severity.LOW,
        "Twitter card missing",
        "No twitter:card meta tag.",
        per_page(_twitter),
        Scope.PAGE,
    ),
)
