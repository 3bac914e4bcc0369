"""Sitemap discovery beside the final start URL, sitemap-only URLs within the page budget,
canonical targets verified apart from it, slow pages timed again, limits counted."""

from __future__ import annotations

import gzip

from seology_pipeline.audit.engine import run_audit
from seology_pipeline.crawl.records import UNLINKED_DEPTH
from seology_pipeline_tests.crawl.conftest import crawl, settings_for
from seology_pipeline_tests.sites import Request, Response, page, redirect, serve_site

URLSET = (
    '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'
)


def _urlset(base: str, *paths: str) -> str:
    return URLSET.format("".join(f"<url><loc>{base}{p}</loc></url>" for p in paths))


def _xml(body: str | bytes) -> Response:
    return Response(200, {"Content-Type": "application/xml"}, body)


def _site_under_en(home: Response) -> dict:
    return {
        "/": home,
        "/en/": page('<title>English</title><a href="/en/linked">Linked</a>'),
        "/en/linked": page("<title>Linked</title><p>Linked page.</p>"),
        "/en/orphan": page("<title>Orphan</title><p>Only the sitemap knows me.</p>"),
        "/en/noindex": page('<meta name="robots" content="noindex"><title>Hidden</title>'),
    }


def test_sitemap_beside_a_redirected_start_url_and_its_orphans() -> None:
    for home in (redirect("/en/"), page('<meta http-equiv="refresh" content="0; url=/en/">')):
        routes = _site_under_en(home)
        with serve_site(routes) as site:
            listed = _urlset(
                site.url, "/en/", "/en/linked", "/en/orphan", "/en/gone", "/en/noindex"
            )
            site.routes["/en/sitemap.xml"] = _xml(gzip.compress(listed.encode()))
            records, facts = crawl(settings_for(site))
        assert facts.sitemap_urls == [site.url + "/en/sitemap.xml"]
        assert facts.sitemap_only_urls == 3
        orphan, gone = records["/en/orphan"], records["/en/gone"]
        assert (orphan.status, orphan.depth, orphan.in_sitemap) == (200, UNLINKED_DEPTH, True)
        assert gone.status == 404
        assert facts.sitemap_hygiene == {"non_200": 1, "noindex": 1, "ok": 3}
        found = {
            (f.rule_code, (f.url or "").removeprefix(site.url))
            for f in run_audit(records.values(), facts).issues
        }
        assert {
            ("orphan_page", "/en/orphan"),
            ("http_4xx", "/en/gone"),
            ("sitemap_invalid_url", "/en/gone"),
            ("noindex_linked", "/en/noindex"),
        } <= found
        assert not {rule for rule, _ in found if rule == "sitemap_missing"}


def test_sitemap_only_urls_stay_within_max_pages_and_extra_sitemaps_are_read() -> None:
    routes = {"/": page("<title>Home</title>")}
    routes.update({f"/s{i}": page(f"<title>{i}</title>") for i in range(10)})
    with serve_site(routes) as site:
        site.routes["/custom-map.xml"] = _xml(_urlset(site.url, *(f"/s{i}" for i in range(10))))
        records, facts = crawl(
            settings_for(site, max_pages=4, sitemap_urls=(site.url + "/custom-map.xml",))
        )
    assert sorted(records) == ["/", "/s0", "/s1", "/s2"]
    assert facts.urls_left == {"max_pages": 7} and facts.stopped_reason == "max_pages"


def test_canonical_targets_are_fetched_apart_from_max_pages() -> None:
    routes = {
        "/": page('<link rel="canonical" href="/gone"><title>Home</title><a href="/a">a</a>'),
        "/a": page('<link rel="canonical" href="/moved"><title>A</title>'),
        "/moved": redirect("/a"),
    }
    with serve_site(routes) as site:
        records, facts = crawl(settings_for(site, max_pages=2))
    assert sorted(records) == ["/", "/a", "/gone", "/moved"]
    assert facts.canonical_targets_checked == 2
    issues = run_audit(records.values(), facts).issues
    invalid = {
        (f.url or "").removeprefix(site.url)
        for f in issues
        if f.rule_code == "canonical_target_invalid"
    }
    assert invalid == {"/", "/a"}
    assert not [f for f in issues if f.rule_code == "canonicalised"]


def test_a_slow_first_response_is_timed_again() -> None:
    calls = {"n": 0}

    def slow_once(request: Request) -> Response:
        calls["n"] += 1
        return Response(
            200,
            {"Content-Type": "text/html"},
            "<title>Slow</title>",
            delay_s=0.4 if calls["n"] == 1 else 0.0,
        )

    with serve_site({"/": slow_once}) as site:
        records, _facts = crawl(settings_for(site, ttfb_recheck_ms=200))
    home = records["/"]
    assert len(home.ttfb_samples_ms) == 3 and home.ttfb_samples_ms[0] >= 400
    assert home.ttfb_ms is not None and home.ttfb_ms < 200


def test_sitemap_urls_of_another_host_are_not_crawled() -> None:
    with serve_site({"/": page("<title>Home</title>")}) as site:
        site.routes["/sitemap.xml"] = _xml(_urlset("https://docs.example", "/a", "/b"))
        records, facts = crawl(settings_for(site))
    assert sorted(records) == ["/"] and facts.sitemap_only_urls == 0
    assert facts.sitemap_url_count == 2
