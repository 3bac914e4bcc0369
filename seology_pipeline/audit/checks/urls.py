"""URL hygiene: case, underscores, spaces, double slashes, length."""

from __future__ import annotations

from urllib.parse import urlsplit

from seology_pipeline.audit.base import Category, Hit, Rule, Scope
from seology_pipeline.audit.checks import per_page
from seology_pipeline.audit.site import AuditContext
from seology_pipeline.crawl.records import PageRecord
from seology_pipeline.db.models import Severity


def url_problems(url: str) -> list[str]:
    """What makes the path/query of ``url`` unfriendly (empty when it is fine)."""
    parts = urlsplit(url)
    path = parts.path
    problems = []
    if any(c.isupper() for c in path):
        problems.append("uppercase")
    if "_" in path:
        problems.append("underscore")
    if " " in url or "%20" in url:
        problems.append("space")
    if "//" in path:
        problems.append("double slash")
    return problems


def _format(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    problems = url_problems(page.url)
    if not problems:
        return None
    return Hit(page.url, f"The URL contains {', '.join(problems)}.", {"problems": problems})


def _too_long(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    limit = ctx.config.url_max_length
    if len(page.url) <= limit:
        return None
    return Hit(
        page.url,
        f"The URL is {len(page.url)} characters long (limit {limit}).",
        {"length": len(page.url), "limit": limit},
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "url_format",
        Category.URL,
        Severity.LOW,
        "Unfriendly URL",
        "The URL path has uppercase letters, underscores, spaces or a double slash.",
        per_page(_format),
        Scope.PAGE,
    ),
    Rule(
        "url_too_long",
        Category.URL,
        Severity.LOW,
        "URL too long",
        "The URL is longer than url_max_length characters.",
        per_page(_too_long),
        Scope.PAGE,
        ("url_max_length",),
    ),
)
