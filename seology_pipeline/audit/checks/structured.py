"""JSON-LD: blocks that do not parse, rich-result types missing required properties."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from seology_pipeline.audit.base import Category, Hit, Rule, Scope
from seology_pipeline.audit.checks import per_page, plural, sample
from seology_pipeline.audit.site import AuditContext
from seology_pipeline.crawl.records import PageRecord
from seology_pipeline.db.models import Severity

# Google Search Central's required properties per rich result type; a tuple is "one of".
REQUIRED_PROPERTIES: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "Product": ("name", ("offers", "review", "aggregateRating")),
    "Article": ("headline",),
    "NewsArticle": ("headline",),
    "BlogPosting": ("headline",),
    "Recipe": ("name", "image"),
    "Event": ("name", "startDate", "location"),
    "FAQPage": ("mainEntity",),
    "QAPage": ("mainEntity",),
    "BreadcrumbList": ("itemListElement",),
    "JobPosting": ("title", "description", "datePosted", "hiringOrganization"),
    "LocalBusiness": ("name", "address"),
    "Review": ("itemReviewed", "author", "reviewRating"),
    "AggregateRating": ("ratingValue", ("ratingCount", "reviewCount")),
    "VideoObject": ("name", "thumbnailUrl", "uploadDate"),
    "HowTo": ("name", "step"),
    "Course": ("name", "description"),
    "SoftwareApplication": ("name", ("offers", "aggregateRating", "review")),
}


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object with an @type, following @graph and nested values."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if "@type" in item:
                yield item
            stack.extend(v for k, v in item.items() if k != "@type")


def _types(node: dict[str, Any]) -> list[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return [str(v).rsplit("/", 1)[-1] for v in values if v]


def _present(node: dict[str, Any], name: str) -> bool:
    value = node.get(name)
    return value not in (None, "", [], {})


def _missing(node: dict[str, Any], type_name: str) -> list[str]:
    missing = []
    for requirement in REQUIRED_PROPERTIES[type_name]:
        options = requirement if isinstance(requirement, tuple) else (requirement,)
        if not any(_present(node, name) for name in options):
            missing.append(" or ".join(options))
    return missing


def _invalid_json_ld(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    errors = [block.error for block in page.json_ld if block.error]
    if not errors:
        return None
    return Hit(
        page.url,
        f"{plural(len(errors), 'JSON-LD block')} cannot be parsed: {errors[0][:120]}",
        {"count": len(errors), "errors": sample((e[:300] for e in errors), ctx)},
    )


def _incomplete(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    problems = []
    for block in page.json_ld:
        if block.error:
            continue
        for node in _nodes(block.data):
            for type_name in _types(node):
                if type_name in REQUIRED_PROPERTIES and (missing := _missing(node, type_name)):
                    problems.append({"type": type_name, "missing": missing})
    if not problems:
        return None
    first = problems[0]
    return Hit(
        page.url,
        f"{first['type']} structured data lacks {', '.join(first['missing'])}"
        + (f" (+{len(problems) - 1} more)." if len(problems) > 1 else "."),
        {"problems": sample(problems, ctx)},
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "json_ld_invalid",
        Category.STRUCTURED_DATA,
        Severity.HIGH,
        "JSON-LD does not parse",
        "A <script type=application/ld+json> block is not valid JSON; search engines ignore it.",
        per_page(_invalid_json_ld),
        Scope.PAGE,
    ),
    Rule(
        "rich_result_incomplete",
        Category.STRUCTURED_DATA,
        Severity.MEDIUM,
        "Rich result missing required properties",
        "Structured data of a rich-result type (Product, Article, Event, FAQPage, …) lacks a "
        "property Google requires for it.",
        per_page(_incomplete),
        Scope.PAGE,
    ),
)
