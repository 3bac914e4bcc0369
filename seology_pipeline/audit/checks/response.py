"""Status codes, redirects, timeouts and speed."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from seology_pipeline.audit.base import Category, Hit, Rule, Scope
from seology_pipeline.audit.checks import per_page, plural
from seology_pipeline.audit.site import AuditContext
from seology_pipeline.crawl.records import ErrorKind, PageRecord
from seology_pipeline.db.models import Severity

NO_RESPONSE_KINDS = frozenset(
    {
        ErrorKind.TIMEOUT,
        ErrorKind.DNS,
        ErrorKind.TLS,
        ErrorKind.CONNECTION,
        ErrorKind.BROWSER,
        ErrorKind.OTHER,
    }
)


def _server_error(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if page.status is None or page.status < 500:
        return None
    return Hit(page.url, f"The page answered HTTP {page.status}.", {"status": page.status})


def _client_error(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if page.status is None or not 400 <= page.status < 500:
        return None
    inlinks = int(ctx.inlinks[i])
    return Hit(
        page.url,
        f"The URL answers HTTP {page.status}"
        + (f" and {plural(inlinks, 'page')} link to it." if inlinks else "."),
        {"status": page.status, "inlinks": inlinks, "found_on": page.found_on},
    )


def _redirect_loop(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if not (page.redirect_loop or page.error_kind == ErrorKind.REDIRECT_LOOP):
        return None
    hops = [hop.url for hop in page.redirect_chain]
    return Hit(
        page.url,
        f"The URL redirects in a loop ({len(hops)} hops before repeating).",
        {"hops": hops},
    )


def _no_response(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if page.status is not None or page.error_kind not in NO_RESPONSE_KINDS:
        return None
    kind = page.error_kind.value if page.error_kind else None
    return Hit(
        page.url,
        f"No response from the server ({kind}).",
        {"error_kind": kind, "error": (page.error or "")[:300]},
    )


@functools.cache
def _soft_404_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    words = "|".join(re.escape(p) for p in patterns)
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


def _soft_404(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    pattern = _soft_404_regex(ctx.config.soft_404_patterns)
    for where, text in (("title", page.title), ("h1", page.h1_texts[0] if page.h1_texts else None)):
        if text and (match := pattern.search(text)):
            return Hit(
                page.url,
                f"The page answers 200 but its {where} says “{text.strip()[:80]}”.",
                {where: text[:200], "matched": match.group(0), "word_count": page.word_count},
            )
    return None


def _slow_response(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    limit = ctx.config.slow_ttfb_ms
    if page.ttfb_ms is None or page.ttfb_ms <= limit:
        return None
    return Hit(
        page.url,
        f"Time to first byte was {page.ttfb_ms:.0f} ms (limit {limit:.0f} ms"
        + (f", median of {len(page.ttfb_samples_ms)} samples)." if page.ttfb_samples_ms else ")."),
        {"ttfb_ms": round(page.ttfb_ms, 1), "limit_ms": limit, "samples_ms": page.ttfb_samples_ms},
    )


def _redirect_chains(ctx: AuditContext) -> Iterator[Hit]:
    """Chains of ``redirect_chain_min_hops``+ hops reached through internal links or the sitemap."""
    min_hops = ctx.config.redirect_chain_min_hops
    inlinks = ctx.inlinks
    in_sitemap = ctx.col("in_sitemap")
    for i, page in enumerate(ctx.pages):
        hops = len(page.redirect_chain)
        if hops < min_hops or page.redirect_loop:
            continue
        if not (inlinks[i] or in_sitemap[i] or ctx.home == i):
            continue
        yield Hit(
            page.url,
            f"The URL takes {hops} redirects to reach {page.final_url}.",
            {
                "hops": hops,
                "chain": [
                    {"url": h.url, "status": h.status, "kind": str(h.kind)}
                    for h in page.redirect_chain
                ],
                "final_url": page.final_url,
                "inlinks": int(inlinks[i]),
            },
        )


RULES: tuple[Rule, ...] = (
    Rule(
        "http_5xx",
        Category.RESPONSE,
        Severity.CRITICAL,
        "Server error (5xx)",
        "A crawled page answered with a 5xx status; search engines drop pages that keep failing.",
        per_page(_server_error, content_only=False),
        Scope.INDEXING,
    ),
    Rule(
        "http_4xx",
        Category.RESPONSE,
        Severity.MEDIUM,
        "Client error (4xx)",
        "A crawled URL (linked, in the sitemap or named as canonical) answers 404, 410 or another "
        "4xx; fix or redirect it and update the references.",
        per_page(_client_error, content_only=False),
        Scope.INDEXING,
    ),
    Rule(
        "redirect_loop",
        Category.RESPONSE,
        Severity.CRITICAL,
        "Redirect loop",
        "Following the URL's redirects comes back to a URL already visited; it never loads.",
        per_page(_redirect_loop, content_only=False),
        Scope.INDEXING,
    ),
    Rule(
        "no_response",
        Category.RESPONSE,
        Severity.HIGH,
        "Timeout or no response",
        "The server did not answer (timeout, DNS, TLS or connection failure).",
        per_page(_no_response, content_only=False),
        Scope.INDEXING,
    ),
    Rule(
        "soft_404",
        Category.RESPONSE,
        Severity.HIGH,
        "Soft 404",
        "The page answers 200 but its title or h1 reads like an error page "
        "(patterns: soft_404_patterns); it should answer 404 or 410.",
        per_page(_soft_404),
        Scope.INDEXING,
        ("soft_404_patterns",),
    ),
    Rule(
        "slow_response",
        Category.PERFORMANCE,
        Severity.MEDIUM,
        "Slow server response",
        "Time to first byte above slow_ttfb_ms; the crawler measures a page above its re-check "
        "threshold again and keeps the median of three samples, so identical runs agree.",
        per_page(_slow_response),
        Scope.PAGE,
        ("slow_ttfb_ms",),
    ),
    Rule(
        "redirect_chain",
        Category.RESPONSE,
        Severity.MEDIUM,
        "Redirect chain",
        "An internally linked (or sitemap, or home) URL needs redirect_chain_min_hops or more "
        "redirects; link to the final URL and collapse the chain to one hop.",
        _redirect_chains,
        Scope.PAGE,
        ("redirect_chain_min_hops",),
    ),
)
