from __future__ import annotations

from seology_pipeline.crawl.settings import CrawlSettings
from seology_pipeline.crawl.urls import Scope, normalise, site_hosts

STRIP = ("utm_*", "gclid")


def test_resolves_relative_urls_and_drops_fragments() -> None:
    assert normalise("../b?x=1#top", "https://Example.COM:443/a/c") == "https://example.com/b?x=1"
    assert normalise("//cdn.example.com/x", "http://example.com/") == "http://cdn.example.com/x"
    assert normalise("HTTP://example.com") == "http://example.com/"


def test_keeps_case_and_trailing_slash_differences() -> None:
    assert normalise("/Page", "https://example.com/") != normalise("/page", "https://example.com/")
    assert normalise("/a/", "https://example.com/") != normalise("/a", "https://example.com/")


def test_strips_tracking_parameters_only() -> None:
    url = normalise("/p?utm_source=x&id=3&gclid=9&UTM_MEDIUM=y", "https://e.com/", STRIP)
    assert url == "https://e.com/p?id=3"
    assert normalise("/p?utm_source=x", "https://e.com/", STRIP) == "https://e.com/p"


def test_non_http_urls_are_not_crawlable() -> None:
    for href in ("mailto:a@b.c", "javascript:void(0)", "tel:123", "data:text/html,hi"):
        assert normalise(href, "https://example.com/") is None


def test_encodes_spaces_and_non_ascii() -> None:
    assert normalise("/a b/é", "https://example.com/") == "https://example.com/a%20b/%C3%A9"
    assert normalise("https://bücher.example/") == "https://xn--bcher-kva.example/"


def test_apex_and_www_are_one_site_unless_turned_off() -> None:
    assert site_hosts("https://www.example.com/", True) == {"www.example.com", "example.com"}
    assert site_hosts("https://example.com/", False) == {"example.com"}
    assert site_hosts("http://127.0.0.1:8000/", True) == {"127.0.0.1"}


def test_scope_internal_and_traps() -> None:
    s = CrawlSettings(
        root_url="https://example.com/",
        max_url_length=80,
        max_query_variants=2,
        max_repeated_segments=2,
        exclude_patterns=(r"/private/",),
    )
    scope = Scope(s)
    assert scope.is_internal("https://www.example.com/a")
    assert scope.is_internal("http://example.com/a")
    assert not scope.is_internal("https://blog.example.com/a")
    assert not scope.is_internal("https://example.com:8443/a")
    assert scope.admit("https://example.com/a?page=1")
    assert scope.admit("https://example.com/a?page=2")
    assert not scope.admit("https://example.com/a?page=3")
    assert not scope.admit("https://example.com/x/y/x/y/x/")
    assert not scope.admit("https://example.com/" + "a" * 100)
    assert not scope.admit("https://example.com/private/1")
    assert scope.skipped == {
        "query_variants": 1,
        "repeated_segments": 1,
        "url_too_long": 1,
        "excluded": 1,
    }


def test_include_patterns_limit_the_crawl() -> None:
    scope = Scope(CrawlSettings(root_url="https://e.com/", include_patterns=("/blog/",)))
    assert scope.admit("https://e.com/blog/1")
    assert not scope.admit("https://e.com/shop/1")
