"""HTTPS, mixed content, insecure forms and security headers."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin

from seology_pipeline.audit.base import Category, Hit, Rule, Scope
from seology_pipeline.audit.checks import per_page, plural, sample
from seology_pipeline.audit.site import AuditContext
from seology_pipeline.crawl.records import PageRecord
from seology_pipeline.db.models import Severity

SECURITY_HEADERS = {
    "strict-transport-security": "HSTS",
    "content-security-policy": "CSP",
    "x-content-type-options": "nosniff",
}


def _site_not_https(ctx: AuditContext) -> Iterator[Hit]:
    facts = ctx.facts
    if not facts.uses_https:
        yield Hit(
            facts.final_root_url or facts.root_url,
            "The site is served over plain HTTP.",
            {"root_url": facts.root_url, "final_root_url": facts.final_root_url},
        )


def _http_not_redirected(ctx: AuditContext) -> Iterator[Hit]:
    facts = ctx.facts
    if facts.uses_https and facts.http_redirects_to_https is False:
        yield Hit(
            facts.final_root_url or facts.root_url,
            "The http:// version of the site does not redirect to https://.",
            {"http_redirects_to_https": False},
        )


def _is_https(page: PageRecord) -> bool:
    return (page.final_url or page.url).lower().startswith("https://")


def _mixed_content(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if not page.insecure_resources or not _is_https(page):
        return None
    return Hit(
        page.url,
        f"The HTTPS page loads {plural(len(page.insecure_resources), 'resource')} over HTTP.",
        {"count": len(page.insecure_resources), "resources": sample(page.insecure_resources, ctx)},
    )


def _insecure_form(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if not _is_https(page):
        return None  # a plain-HTTP site is reported once, by site_not_https
    base = page.final_url or page.url
    insecure = [
        action
        for action in page.form_actions
        if urljoin(base, action.strip()).lower().startswith("http://")
    ]
    if not insecure:
        return None
    return Hit(
        page.url,
        f"{plural(len(insecure), 'form')} submit over plain HTTP.",
        {"actions": sample(insecure, ctx)},
    )


def _missing_headers(ctx: AuditContext) -> Iterator[Hit]:
    """One site-level hit per missing header, with the share of pages lacking it."""
    missing: dict[str, list[str]] = {name: [] for name in SECURITY_HEADERS}
    checked = {name: 0 for name in SECURITY_HEADERS}
    for i in ctx.content_pages:
        page = ctx.pages[i]
        headers = page.headers
        for name in SECURITY_HEADERS:
            if name == "strict-transport-security" and not _is_https(page):
                continue
            checked[name] += 1
            value = headers.get(name, "")
            if not value or (name == "x-content-type-options" and "nosniff" not in value.lower()):
                missing[name].append(page.url)
    root = ctx.facts.final_root_url or ctx.facts.root_url
    for name, urls in missing.items():
        if urls:
            yield Hit(
                root,
                f"{SECURITY_HEADERS[name]} header ({name}) missing on "
                f"{len(urls)} of {checked[name]} pages.",
                {
                    "header": name,
                    "pages": len(urls),
                    "checked": checked[name],
                    "urls": sample(urls, ctx),
                },
                key=name,
            )


RULES: tuple[Rule, ...] = (
    Rule(
        "site_not_https",
        Category.SECURITY,
        Severity.CRITICAL,
        "Site on HTTP",
        "The site (its final root URL) is not served over HTTPS.",
        _site_not_https,
        Scope.SITE,
    ),
    Rule(
        "http_not_redirected_to_https",
        Category.SECURITY,
        Severity.CRITICAL,
        "HTTP does not redirect to HTTPS",
        "The site has HTTPS but its http:// URLs answer without redirecting to it.",
        _http_not_redirected,
        Scope.SITE,
    ),
    Rule(
        "mixed_content",
        Category.SECURITY,
        Severity.HIGH,
        "Mixed content",
        "An HTTPS page loads scripts, styles, images or frames over plain HTTP.",
        per_page(_mixed_content),
        Scope.PAGE,
    ),
    Rule(
        "insecure_form",
        Category.SECURITY,
        Severity.HIGH,
        "Insecure form",
        "A form on an HTTPS page submits to an http:// URL (browsers warn before sending it).",
        per_page(_insecure_form),
        Scope.PAGE,
    ),
    Rule(
        "security_headers_missing",
        Category.SECURITY,
        Severity.LOW,
        "Security headers missing",
        "HSTS (on HTTPS), Content-Security-Policy or X-Content-Type-Options: nosniff missing; "
        "one site-level issue per header with the pages lacking it.",
        _missing_headers,
        Scope.SITE,
    ),
)
