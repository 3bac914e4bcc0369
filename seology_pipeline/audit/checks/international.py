"""hreflang annotations and the ``lang`` attribute (codes checked against CLDR via Babel)."""

from __future__ import annotations

from babel import Locale

from seology_pipeline.audit.base import Category, Hit, Rule, Scope
from seology_pipeline.audit.checks import per_page, plural, sample
from seology_pipeline.audit.checks.indexability import target_problems
from seology_pipeline.audit.site import AuditContext, resolve_url
from seology_pipeline.crawl.records import PageRecord
from seology_pipeline.db.models import Severity

_CLDR = Locale("en")
LANGUAGES = frozenset(code for code in _CLDR.languages if "_" not in code)
TERRITORIES = frozenset(_CLDR.territories)
SCRIPTS = frozenset(_CLDR.scripts)


def valid_language_tag(tag: str, *, allow_variants: bool = True) -> bool:
    """Whether ``tag`` is language[-Script][-REGION][-variant…] with known CLDR codes."""
    parts = tag.strip().split("-")
    if not parts[0] or parts[0].lower() not in LANGUAGES:
        return False
    rest = parts[1:]
    if rest and len(rest[0]) == 4 and rest[0].isalpha():
        if rest[0].title() not in SCRIPTS:
            return False
        rest = rest[1:]
    if rest and (len(rest[0]) == 2 or (len(rest[0]) == 3 and rest[0].isdigit())):
        if rest[0].upper() not in TERRITORIES:
            return False
        rest = rest[1:]
    if not rest:
        return True
    return allow_variants and all(4 <= len(p) <= 8 and p.isalnum() for p in rest)


def _alternates(page: PageRecord) -> list[tuple[str, str]]:
    base = page.final_url or page.url
    return [(h.lang.strip(), resolve_url(base, h.url)) for h in page.hreflang if h.url]


def _self_urls(page: PageRecord) -> set[str]:
    return {page.url, page.final_url or page.url}


def _invalid_codes(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    bad = sorted(
        {
            lang
            for lang, _ in _alternates(page)
            if lang.lower() != "x-default" and not valid_language_tag(lang, allow_variants=False)
        }
    )
    if not bad:
        return None
    return Hit(page.url, f"Invalid hreflang code(s): {', '.join(bad)}.", {"codes": bad})


def _no_self(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    alternates = _alternates(page)
    if not alternates or any(url in _self_urls(page) for _, url in alternates):
        return None
    return Hit(
        page.url,
        "The hreflang set does not include the page itself.",
        {"alternates": len(alternates)},
    )


def _no_x_default(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    alternates = _alternates(page)
    if not alternates or any(lang.lower() == "x-default" for lang, _ in alternates):
        return None
    return Hit(page.url, "The hreflang set has no x-default.", {"alternates": len(alternates)})


def _bad_targets(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    own = _self_urls(page)
    bad = []
    for lang, url in _alternates(page):
        if url in own:
            continue
        problems = target_problems(ctx, url)
        if problems:
            bad.append({"lang": lang, "target": url, "problems": problems})
    if not bad:
        return None
    return Hit(
        page.url,
        f"{plural(len(bad), 'hreflang target')} not 200/canonical, e.g. {bad[0]['target']} "
        f"({', '.join(bad[0]['problems'])}).",
        {"count": len(bad), "targets": sample(bad, ctx)},
    )


def _no_return(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    own = _self_urls(page)
    missing = []
    for lang, url in _alternates(page):
        j = ctx.by_url.get(url)
        if url in own or j is None or target_problems(ctx, url):
            continue
        back = {target for _, target in _alternates(ctx.pages[j])}
        if not back & own:
            missing.append({"lang": lang, "target": url})
    if not missing:
        return None
    return Hit(
        page.url,
        f"{plural(len(missing), 'hreflang alternate')} do not link back, e.g. "
        f"{missing[0]['target']}.",
        {"count": len(missing), "targets": sample(missing, ctx)},
    )


def _relative_hrefs(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    relative = [
        h.href
        for h in page.hreflang
        if h.href.strip() and not h.href.strip().lower().startswith(("http://", "https://"))
    ]
    if not relative:
        return None
    return Hit(
        page.url,
        f"{plural(len(relative), 'hreflang link')} with a relative href, e.g. “{relative[0]}”; "
        "hreflang needs fully-qualified URLs.",
        {"hrefs": sample(relative, ctx)},
    )


def _lang_missing(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if page.lang and page.lang.strip():
        return None
    return Hit(page.url, "The <html> element has no lang attribute.", {})


def _lang_invalid(ctx: AuditContext, i: int, page: PageRecord) -> Hit | None:
    if not page.lang or not page.lang.strip() or valid_language_tag(page.lang):
        return None
    return Hit(
        page.url,
        f"The lang attribute “{page.lang}” is not a valid language tag.",
        {"lang": page.lang[:50]},
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "hreflang_relative",
        Category.INTERNATIONAL,
        Severity.MEDIUM,
        "Relative hreflang URL",
        "An hreflang alternate's href is relative; Google requires fully-qualified URLs.",
        per_page(_relative_hrefs),
        Scope.PAGE,
    ),
    Rule(
        "hreflang_target_invalid",
        Category.INTERNATIONAL,
        Severity.HIGH,
        "hreflang to a non-200 or non-canonical URL",
        "An hreflang alternate answers non-200, redirects, is noindex, blocked or canonicalised.",
        per_page(_bad_targets),
        Scope.PAGE,
    ),
    Rule(
        "hreflang_return_missing",
        Category.INTERNATIONAL,
        Severity.HIGH,
        "hreflang return link missing",
        "An hreflang alternate does not annotate this page back; Google ignores one-way pairs.",
        per_page(_no_return),
        Scope.PAGE,
    ),
    Rule(
        "hreflang_invalid_code",
        Category.INTERNATIONAL,
        Severity.MEDIUM,
        "Invalid hreflang code",
        "An hreflang value is not language[-Script][-REGION] with ISO codes (e.g. en-UK, en_US).",
        per_page(_invalid_codes),
        Scope.PAGE,
    ),
    Rule(
        "hreflang_self_missing",
        Category.INTERNATIONAL,
        Severity.MEDIUM,
        "hreflang without self-reference",
        "The page's hreflang set does not list the page itself.",
        per_page(_no_self),
        Scope.PAGE,
    ),
    Rule(
        "hreflang_x_default_missing",
        Category.INTERNATIONAL,
        Severity.MEDIUM,
        "hreflang without x-default",
        "The page's hreflang set has no x-default fallback.",
        per_page(_no_x_default),
        Scope.PAGE,
    ),
    Rule(
        "lang_missing",
        Category.INTERNATIONAL,
        Severity.LOW,
        "lang attribute missing",
        "The <html> element declares no language.",
        per_page(_lang_missing),
        Scope.PAGE,
    ),
    Rule(
        "lang_invalid",
        Category.INTERNATIONAL,
        Severity.LOW,
        "lang attribute invalid",
        "The <html lang> value is not a valid BCP 47 language tag.",
        per_page(_lang_invalid),
        Scope.PAGE,
    ),
)
