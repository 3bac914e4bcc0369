"""Every rule: one page (or site fact) that triggers it, and a near miss that must not."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from seology_pipeline.audit.rules import RULE_CODES
from seology_pipeline.crawl.records import (
    ErrorKind,
    Hreflang,
    ImageRecord,
    JsonLdBlock,
    LinkRecord,
    PageRecord,
    RedirectHop,
    RenderDiff,
    TagText,
)
from seology_pipeline_tests.audit.conftest import ROOT, Site, link, make_site, url

Mutation = Callable[[Site], str | list[str] | None]
P1, P2, P3 = url(1), url(2), url(3)


def _set(n: int, **values) -> Mutation:
    def mutate(site: Site) -> str:
        page = site.page(n)
        for name, value in values.items():
            setattr(page, name, value)
        return page.url

    return mutate


def _facts(expected: str | None = None, **values) -> Mutation:
    def mutate(site: Site) -> str | None:
        for name, value in values.items():
            setattr(site.facts, name, value)
        return expected

    return mutate


def _steps(*mutations: Mutation) -> Mutation:
    """Apply several mutations; the first one's URL is the expected one."""

    def mutate(site: Site) -> str | None:
        results = [m(site) for m in mutations]
        return results[0]

    return mutate


def _unlinked(n: int) -> Mutation:
    def mutate(site: Site) -> str:
        site.unlink(url(n))
        return url(n)

    return mutate


def _add_link(n: int, lk: LinkRecord) -> Mutation:
    def mutate(site: Site) -> str:
        site.page(n).links.append(lk)
        return url(n)

    return mutate


def _external(status: int | None) -> Mutation:
    def mutate(site: Site) -> str:
        target = "https://elsewhere.example/gone"
        site.page(1).links.append(link(target, "Partner", internal=False))
        site.extra.append(PageRecord(url=target, status=status, content_type="text/html"))
        return P1

    return mutate


def _rename(n: int, new: str) -> Mutation:
    def mutate(site: Site) -> str:
        old = url(n)
        page = site.page(n)
        page.url = page.final_url = new
        page.canonicals = [TagText(new)]
        for other in site.pages:
            for lk in other.links:
                if lk.url == old:
                    lk.url = lk.href = new
        site.facts.sitemap_pages = [new if u == old else u for u in site.facts.sitemap_pages]
        return new

    return mutate


def _hreflang_pair(site: Site) -> str:
    """page-1 (en) and page-2 (de) annotate each other, themselves and an x-default."""
    tags = [Hreflang("en-GB", P1), Hreflang("de-DE", P2), Hreflang("x-default", P1)]
    site.page(1).hreflang = list(tags)
    site.page(2).hreflang = list(tags)
    return P1


def _hreflang(**changes) -> Mutation:
    def mutate(site: Site) -> str:
        _hreflang_pair(site)
        for target, value in changes.items():
            if target == "p1":
                site.page(1).hreflang = value
            elif target == "p2":
                site.page(2).hreflang = value
            elif target == "p2_noindex":
                site.page(2).meta_robots = ["noindex"]
                site.unlink(P2)
                site.page(2).in_sitemap = False
                site.facts.sitemap_pages.remove(P2)
        return P1

    return mutate


def _product(data: dict) -> Mutation:
    return _set(1, json_ld=[JsonLdBlock(types=["Product"], data=data)])


def _chain(hops: int) -> Mutation:
    chain = [RedirectHop(f"{ROOT}old-{i}", 301) for i in range(hops)]
    return _set(2, redirect_chain=chain, final_url=P3)


def _redirect_hops(hops: int) -> Mutation:
    def mutate(site: Site) -> str:
        page = site.page(2)
        page.redirect_chain = [
            RedirectHop(P2 if i == 0 else f"{ROOT}hop-{i}", 301) for i in range(hops)
        ]
        page.final_url = P3
        return P2

    return mutate


def _dup(field: str, value, n: int = 2) -> Mutation:
    def mutate(site: Site) -> list[str]:
        setattr(site.page(1), field, value(site.page(1)))
        setattr(site.page(n), field, value(site.page(1)))
        return [P1, url(n)]

    return mutate


NOINDEX_2 = _set(2, meta_robots=["noindex"])
LONG = "https://shop.example/" + "a" * 94  # 115 characters

CASES: dict[str, tuple[Mutation, Mutation]] = {
    # critical
    "http_5xx": (_set(1, status=503), _set(1, status=404)),
    "redirect_loop": (
        _set(
            1,
            status=None,
            redirect_loop=True,
            error_kind=ErrorKind.REDIRECT_LOOP,
            redirect_chain=[RedirectHop(P1, 302), RedirectHop(f"{ROOT}x", 302)],
        ),
        _redirect_hops(1),
    ),
    "robots_txt_unavailable": (
        _facts(f"{ROOT}robots.txt", robots_status=503),
        _facts(robots_status=404),
    ),
    "robots_txt_disallows_all": (
        _facts(f"{ROOT}robots.txt", robots_disallows_all=True),
        _facts(ai_bots_blocked=["GPTBot"]),
    ),
    "noindex_linked": (
        _set(1, meta_robots=["noindex, follow"]),
        _steps(
            _set(1, meta_robots=["noindex"], in_sitemap=False),
            _unlinked(1),
            _facts(sitemap_pages=[ROOT, P2, P3, url(4)]),
        ),
    ),
    "site_not_https": (_facts(ROOT, uses_https=False), _facts(http_redirects_to_https=None)),
    "http_not_redirected_to_https": (
        _facts(ROOT, http_redirects_to_https=False),
        _facts(http_redirects_to_https=None),
    ),
    # high
    "broken_internal_link": (
        _steps(lambda s: [ROOT, P1], _set(2, status=404)),
        _add_link(1, link(f"{ROOT}never-crawled", "Old page")),
    ),
    "no_response": (
        _set(1, status=None, error_kind=ErrorKind.TIMEOUT, error="timed out after 30 s"),
        _set(1, status=None, error_kind=ErrorKind.BLOCKED_BY_ROBOTS),
    ),
    "blocked_url_linked": (
        _set(1, status=None, error_kind=ErrorKind.BLOCKED_BY_ROBOTS),
        _steps(
            _set(1, status=None, error_kind=ErrorKind.BLOCKED_BY_ROBOTS, in_sitemap=False),
            _unlinked(1),
            _facts(sitemap_pages=[ROOT]),
        ),
    ),
    "canonical_target_invalid": (
        _steps(_set(1, canonicals=[TagText(P2)]), NOINDEX_2),
        _set(1, canonicals=[TagText(P2)]),
    ),
    "canonicalised": (
        _set(1, canonicals=[TagText(P2)]),
        _steps(_set(1, canonicals=[TagText(P2)]), NOINDEX_2),
    ),
    "http_4xx": (_set(2, status=404), _set(2, status=500)),
    "non_html_linked": (
        _set(2, content_type="application/pdf", error_kind=ErrorKind.NON_HTML),
        _steps(
            _set(2, content_type="application/pdf", error_kind=ErrorKind.NON_HTML), _unlinked(2)
        ),
    ),
    "canonical_conflict": (
        _set(1, canonicals=[TagText(P1), TagText(P2)]),
        _set(1, canonicals=[TagText(P1), TagText(P1)], header_canonical=P1),
    ),
    "soft_404": (
        _set(1, titles=[TagText("Oops! Page not found – Garden shop")]),
        _set(1, titles=[TagText("The 4040 garden tools we found for you")]),
    ),
    "render_mismatch": (
        _set(1, render_diffs=[RenderDiff("canonical", P1, P2)]),
        _set(1, render_diffs=[RenderDiff("word_count", 400, 450)]),
    ),
    "duplicate_content": (
        _dup("content_hash", lambda p: p.content_hash),
        _steps(_dup("content_hash", lambda p: p.content_hash), _set(2, canonicals=[TagText(P1)])),
    ),
    "title_missing": (_set(1, titles=[TagText("  ")]), _set(1, titles=[TagText("Rakes " * 6)])),
    "mixed_content": (
        _set(1, insecure_resources=["http://cdn.example/app.js"]),
        _set(
            1,
            insecure_resources=[],
            images=[ImageRecord("https://cdn.example/a.png", "a", "1", "1")],
        ),
    ),
    "insecure_form": (
        _set(1, form_actions=["http://shop.example/login"]),
        _set(1, form_actions=["/login", "https://shop.example/search"]),
    ),
    "hreflang_target_invalid": (_hreflang(p2_noindex=True), _hreflang_pair),
    "hreflang_return_missing": (
        _hreflang(p2=[Hreflang("de-DE", P2), Hreflang("x-default", P2)]),
        _hreflang_pair,
    ),
    "json_ld_invalid": (
        _set(1, json_ld=[JsonLdBlock(error="Expecting ',' delimiter: line 3 column 5")]),
        _set(1, json_ld=[JsonLdBlock(types=["Organization"], data={"@type": "Organization"})]),
    ),
    # medium
    "redirect_chain": (_redirect_hops(2), _redirect_hops(1)),
    "sitemap_invalid_url": (
        _set(1, canonicals=[TagText(P2)]),
        _steps(
            _set(1, canonicals=[TagText(P2)], in_sitemap=False), _facts(sitemap_pages=[ROOT, P2])
        ),
    ),
    "sitemap_missing": (_facts(ROOT, sitemap_urls=[]), _facts(sitemap_url_count=0)),
    "sitemap_too_large": (
        _facts(f"{ROOT}sitemap.xml", sitemap_url_count=60_000),
        _facts(sitemap_url_count=60_000, sitemap_urls=[f"{ROOT}s1.xml", f"{ROOT}s2.xml"]),
    ),
    "orphan_page": (
        _unlinked(1),
        _steps(_unlinked(1), _set(1, in_sitemap=False), _facts(sitemap_pages=[ROOT])),
    ),
    "duplicate_title": (
        _dup("titles", lambda p: [TagText(p.title.upper())]),
        _steps(_dup("titles", lambda p: p.titles), NOINDEX_2),
    ),
    "h1_missing": (
        _set(1, heading_counts={"h2": 1}, h1_texts=[]),
        _set(1, heading_counts={"h1": 1}, h1_texts=[]),
    ),
    "head_metadata_misplaced": (
        _set(
            1,
            titles=[
                TagText("Garden tools and supplies, the full catalogue"),
                TagText("Second title in the body of the page", in_head=False),
            ],
        ),
        _set(1, meta_descriptions=[TagText("x" * 100, in_head=True)]),
    ),
    "thin_content": (_set(1, word_count=199), _set(1, word_count=200)),
    "near_duplicate": (
        _dup("simhash", lambda p: p.simhash),  # same simhash, different content hash
        _steps(
            lambda s: None, lambda s: setattr(s.page(2), "simhash", s.page(1).simhash ^ 0b1111111)
        ),
    ),
    "non_crawlable_link": (
        _steps(
            _add_link(
                1, LinkRecord(href="javascript:void(0)", url=None, anchor="Menu", crawlable=False)
            ),
            _add_link(
                1, LinkRecord(href=None, url=None, anchor="Go", crawlable=False, kind="click")
            ),
        ),
        _steps(
            _add_link(1, link(P3, "Menu")),
            _add_link(1, LinkRecord(href="mailto:a@shop.example", url=None, crawlable=False)),
            _add_link(1, LinkRecord(href="tel:+441234", url=None, crawlable=False)),
            _add_link(1, LinkRecord(href=None, url=None, crawlable=False, kind="target")),
            _add_link(1, LinkRecord(href="#", url=P1, anchor="Menu", kind="button")),
            _add_link(1, LinkRecord(href="/x", url=P3, anchor="Shop", kind="click")),
        ),
    ),
    "hreflang_relative": (
        _set(1, hreflang=[Hreflang("en-GB", P1, "/page-1")]),
        _set(1, hreflang=[Hreflang("en-GB", P1, P1)]),
    ),
    "empty_anchor_text": (
        _add_link(1, link(P3, "  ")),
        _steps(
            _add_link(1, link(P3, "Rakes")),
            _add_link(1, LinkRecord(href="#", url=P1, anchor="", kind="button")),
        ),
    ),
    "viewport_missing": (_set(1, viewport=None), _set(1, viewport="width=device-width")),
    "slow_response": (_set(1, ttfb_ms=1200.0), _set(1, ttfb_ms=800.0)),
    "rich_result_incomplete": (
        _product({"@type": "Product", "name": "Spade"}),
        _product(
            {
                "@graph": [
                    {
                        "@type": "Product",
                        "name": "Spade",
                        "offers": {"@type": "Offer", "price": "9"},
                    }
                ]
            }
        ),
    ),
    "hreflang_invalid_code": (
        _hreflang(p1=[Hreflang("en-UK", P1), Hreflang("de-DE", P2), Hreflang("x-default", P1)]),
        _hreflang_pair,
    ),
    "hreflang_self_missing": (
        _hreflang(p1=[Hreflang("de-DE", P2), Hreflang("x-default", P2)]),
        _hreflang_pair,
    ),
    "hreflang_x_default_missing": (
        _hreflang(p1=[Hreflang("en-GB", P1), Hreflang("de-DE", P2)]),
        _hreflang_pair,
    ),
    # low
    "canonical_missing": (_set(1, canonicals=[]), _set(1, canonicals=[], header_canonical=P1)),
    "canonical_relative": (
        _set(1, canonicals=[TagText("/page-1")]),
        _set(1, canonicals=[TagText(P1)]),
    ),
    "meta_description_missing": (_set(1, meta_descriptions=[]), _set(1, twitter={"card": "x"})),
    "duplicate_meta_description": (
        _dup("meta_descriptions", lambda p: p.meta_descriptions),
        _steps(
            _dup("meta_descriptions", lambda p: p.meta_descriptions),
            _set(2, canonicals=[TagText(P1)]),
        ),
    ),
    "meta_description_length": (
        _set(1, meta_descriptions=[TagText("d" * 69)]),
        _set(1, meta_descriptions=[TagText("d" * 70)]),
    ),
    "title_length": (
        _set(1, titles=[TagText("t" * 61)]),
        _set(1, titles=[TagText("t" * 60)]),
    ),
    "h1_multiple": (
        _set(1, heading_counts={"h1": 2}, h1_texts=["A", "B"]),
        _set(1, heading_counts={"h1": 1, "h2": 5}),
    ),
    "duplicate_h1": (
        _dup("h1_texts", lambda p: p.h1_texts),
        _steps(_dup("h1_texts", lambda p: p.h1_texts), NOINDEX_2),
    ),
    "heading_levels_skipped": (
        _set(1, heading_levels=[1, 2, 4]),
        _set(1, heading_levels=[1, 2, 3, 2, 3, 1, 2]),
    ),
    "link_to_redirect": (_steps(lambda s: [ROOT, P1], _chain(1)), _add_link(1, link(P3, "Rakes"))),
    "internal_nofollow": (
        _add_link(1, link(P3, "Rakes", rel="nofollow")),
        _add_link(1, link("https://ads.example/", "Ad", rel="nofollow sponsored", internal=False)),
    ),
    "deep_page": (_set(1, depth=4), _set(1, depth=3)),
    "broken_external_link": (_external(404), _external(200)),
    "image_missing_alt": (
        _set(1, images=[ImageRecord(f"{ROOT}a.png", alt=None, width="1", height="1")]),
        _set(1, images=[ImageRecord(f"{ROOT}a.png", alt="", width="1", height="1")]),
    ),
    "image_too_large": (
        _set(1, images=[ImageRecord(f"{ROOT}a.png", "a", "1", "1", size_bytes=200_000)]),
        _set(1, images=[ImageRecord(f"{ROOT}a.png", "a", "1", "1", size_bytes=100 * 1024)]),
    ),
    "image_missing_dimensions": (
        _set(1, images=[ImageRecord(f"{ROOT}a.png", "a", width="10", height=None)]),
        _set(1, images=[ImageRecord(f"{ROOT}a.png", "a", width="10", height="auto")]),
    ),
    "lang_missing": (_set(1, lang=None), _set(1, lang="pt-BR")),
    "lang_invalid": (_set(1, lang="english"), _set(1, lang="zh-Hant-TW")),
    "url_format": (_rename(1, f"{ROOT}Garden_Tools"), _rename(1, f"{ROOT}garden-tools?Ref=A_1")),
    "url_too_long": (_rename(1, LONG + "a"), _rename(1, LONG)),
    "open_graph_missing": (
        _set(1, open_graph={"og:title": "t", "og:type": "website", "og:url": P1}),
        _set(1, open_graph={"title": "t", "type": "website", "url": P1, "image": "i.png"}),
    ),
    "twitter_card_missing": (_set(1, twitter={}), _set(1, twitter={"card": "summary"})),
    "security_headers_missing": (
        _steps(lambda s: ROOT, lambda s: s.page(1).headers.pop("content-security-policy")),
        lambda s: s.page(1).headers.update({"x-content-type-options": "NoSniff"}),
    ),
    "ai_crawlers_blocked": (
        _facts(f"{ROOT}robots.txt", ai_bots_blocked=["GPTBot", "ClaudeBot"]),
        _facts(robots_disallows_all=False),
    ),
}


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == RULE_CODES


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_triggers(code: str) -> None:
    site = make_site()
    expected = CASES[code][0](site)
    result = site.audit()
    assert not result.failed_rules
    hits = [f for f in result.issues if f.rule_code == code]
    expected_urls = expected if isinstance(expected, list) else [expected]
    assert sorted(f.url for f in hits) == expected_urls, [f.message for f in hits]
    for finding in hits:
        assert finding.message and len(finding.fingerprint) == 64
        assert json.loads(json.dumps(finding.to_dict()))["evidence"] == finding.evidence


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_near_miss_does_not_trigger(code: str) -> None:
    site = make_site()
    CASES[code][1](site)
    result = site.audit()
    assert not result.failed_rules
    assert [f.url for f in result.issues if f.rule_code == code] == []
