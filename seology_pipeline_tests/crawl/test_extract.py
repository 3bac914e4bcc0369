from __future__ import annotations

from seology_pipeline.crawl.extract import (
    apply_page_data,
    needs_javascript,
    parse_html,
    parse_refresh,
)
from seology_pipeline.crawl.records import PageRecord
from seology_pipeline.crawl.settings import CrawlSettings
from seology_pipeline.crawl.urls import Scope

RICH = """<!doctype html>
<html lang="en-GB"><head>
<title> Rich   page </title>
<meta name="Description" content="First description">
<meta name="robots" content="noindex, follow">
<meta name="viewport" content="width=device-width">
<link rel="canonical" href="/rich">
<link rel="alternate" hreflang="de" href="https://example.com/de/rich">
<meta property="og:title" content="OG title"><meta property="og:image" content="/og.png">
<meta name="twitter:card" content="summary">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"Organization"},{"@type":["WebPage","Thing"]}]}</script>
<script type="application/ld+json">{"broken": </script>
<link rel="stylesheet" href="http://cdn.example.com/s.css">
</head><body>
<nav><a href="/nav">Menu link</a></nav>
<title>Second title in body</title>
<meta name="description" content="Body description">
<main><h1>Main heading</h1><h2>Sub</h2><h3>Deeper</h3><h1>Second h1</h1>
<p>Alpha beta gamma delta.</p>
<a href="/one?utm_source=x#frag" rel="nofollow">One</a>
<a href="https://other.example/x">External</a>
<a href="javascript:void(0)">JS link</a>
<a>No href</a>
<a href="/img-link"><img src="/logo.png" alt="Logo alt"></a>
<img src="http://insecure.example/i.jpg" width="10" height="20">
<form action="/search"></form>
<svg><title>icon</title></svg>
</main>
<footer>Footer words not counted</footer>
</body></html>"""


def _record(html: str, url: str = "https://example.com/rich") -> PageRecord:
    settings = CrawlSettings(root_url="https://example.com/", strip_query_params=("utm_*",))
    record = PageRecord(url=url, final_url=url)
    apply_page_data(record, parse_html(html), Scope(settings))
    return record


def test_every_field_from_raw_html() -> None:
    r = _record(RICH)
    assert [(t.text, t.in_head) for t in r.titles] == [
        ("Rich page", True),
        ("Second title in body", False),
    ]
    assert [(d.text, d.in_head) for d in r.meta_descriptions] == [
        ("First description", True),
        ("Body description", False),
    ]
    assert r.meta_robots == ["noindex, follow"] and r.noindex
    assert [(c.text, c.in_head) for c in r.canonicals] == [("https://example.com/rich", True)]
    assert r.heading_counts == {"h1": 2, "h2": 1, "h3": 1, "h4": 0, "h5": 0, "h6": 0}
    assert r.heading_levels == [1, 2, 3, 1]
    assert r.h1_texts == ["Main heading", "Second h1"]
    assert (r.lang, r.viewport) == ("en-GB", "width=device-width")
    assert [(h.lang, h.url) for h in r.hreflang] == [("de", "https://example.com/de/rich")]
    assert r.open_graph == {"og:title": "OG title", "og:image": "/og.png"}
    assert r.twitter == {"twitter:card": "summary"}
    assert r.json_ld[0].types == ["Organization", "WebPage", "Thing"]
    assert r.json_ld[0].error is None
    assert r.json_ld[1].error and "invalid JSON" in r.json_ld[1].error
    assert r.word_count == 16  # main only: headings, paragraph and link texts
    assert r.content_hash and len(r.content_hash) == 64
    assert r.simhash is not None and 0 <= r.simhash < 2**64
    links = {link.anchor: link for link in r.links}
    assert links["One"].url == "https://example.com/one"
    assert links["One"].href == "/one?utm_source=x#frag"
    assert links["One"].rel == "nofollow"
    assert not links["External"].internal and links["External"].crawlable
    assert not links["JS link"].crawlable and links["JS link"].url is None
    assert links["No href"].href is None and not links["No href"].crawlable
    assert links["Logo alt"].url == "https://example.com/img-link"
    assert links["Menu link"].internal
    images = [(i.url, i.alt, i.width, i.height) for i in r.images]
    assert images == [
        ("https://example.com/logo.png", "Logo alt", None, None),
        ("http://insecure.example/i.jpg", None, "10", "20"),
    ]
    assert r.form_actions == ["https://example.com/search"]
    assert r.insecure_resources == [
        "http://cdn.example.com/s.css",
        "http://insecure.example/i.jpg",
    ]


def test_insecure_resources_only_count_on_https_pages() -> None:
    assert _record(RICH, "http://example.com/rich").insecure_resources == []


def test_malformed_html_still_yields_fields() -> None:
    r = _record("<html><head><title>Broken<body><p>text <b>bold <a href='/x'>x</b></div></html")
    assert r.titles and r.titles[0].text.startswith("Broken")


def test_base_href_changes_link_resolution() -> None:
    r = _record("<head><base href='/sub/'></head><a href='page'>p</a>")
    assert r.links[0].url == "https://example.com/sub/page"


def test_needs_javascript() -> None:
    assert not needs_javascript(parse_html(RICH))
    assert not needs_javascript(parse_html("<title></title><p>no scripts at all</p>"))
    spa = "<title></title><div id=root></div><script src=/app.js></script>"
    assert needs_javascript(parse_html(spa))
    words = " ".join(["word"] * 50)
    redirecting = (
        f"<title>T</title><a href=/a>a</a><p>{words}</p><script>location.href='/b'</script>"
    )
    assert needs_javascript(parse_html(redirecting))
    static = f"<title>T</title><a href=/a>a</a><p>{words}</p><script>var x = 1;</script>"
    assert not needs_javascript(parse_html(static))


def test_parse_refresh() -> None:
    assert parse_refresh("0; url=/next") == "/next"
    assert parse_refresh("5;URL='https://e.com/x'") == "https://e.com/x"
    assert parse_refresh("30") is None
    assert parse_refresh(None) is None
