"""The crawler against real local sites over HTTP (no browser: render mode ``never``)."""

from __future__ import annotations

import asyncio
import gzip
import json
import ssl
import time
from pathlib import Path

import httpx
import pytest

from seology_pipeline.crawl.crawler import CrawlStoppedError, SiteCrawler, crawl_site
from seology_pipeline.crawl.fetch import classify
from seology_pipeline.crawl.records import ErrorKind, HopKind, PageRecord, SiteFacts
from seology_pipeline.crawl.settings import CrawlSettings
from seology_pipeline_tests.crawl.conftest import crawl, settings_for
from seology_pipeline_tests.crawl.h2_site import serve_h2_site
from seology_pipeline_tests.sites import Request, Response, page, redirect, serve_site


def _links(*paths: str) -> str:
    return "".join(f'<a href="{p}">link {p}</a>' for p in paths)


def test_record_fields_headers_timing_depth_and_sitemap() -> None:
    home = (
        "<html lang=en><head><title>Home</title></head>"
        f"<body><h1>Welcome</h1><p>one two three</p>{_links('/about', 'https://elsewhere.example/')}"
        "</body></html>"
    )
    sitemap = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>{base}/about</loc></url></urlset>"
    )
    routes = {
        "/": page(
            home,
            X_Robots_Tag="noarchive",
            Link='</home>; rel="canonical"',
            Strict_Transport_Security="max-age=31536000",
            Content_Security_Policy="default-src 'self'",
        ),
        "/about": page("<title>About</title>" + _links("/")),
    }
    with serve_site(routes) as site:
        routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, "")
        site.routes["/sitemap.xml"] = (
            200,
            {"Content-Type": "application/xml"},
            sitemap.format(base=site.url),
        )
        records, facts = crawl(settings_for(site))
    root, about = records["/"], records["/about"]
    # the external link is recorded, not crawled; the canonical target is fetched to verify it
    assert set(records) == {"/", "/about", "/home"}
    home_target = records["/home"]
    assert (home_target.status, home_target.depth, home_target.found_on) == (404, -1, root.url)
    assert (root.status, root.final_url, root.depth, root.found_on) == (
        200,
        site.url + "/",
        0,
        None,
    )
    assert root.content_type == "text/html; charset=utf-8" and root.is_html
    assert root.headers["x-robots-tag"] == "noarchive"
    assert root.headers["strict-transport-security"] == "max-age=31536000"
    assert root.headers["content-security-policy"] == "default-src 'self'"
    assert root.header_canonical == site.url + "/home"
    assert root.size_bytes == len(home.encode())
    assert root.ttfb_ms is not None and 0 < root.ttfb_ms <= root.load_ms
    assert root.title == "Home" and root.word_count == 10 and root.lang == "en"
    assert not root.rendered and root.error_kind is None
    assert [(link.url, link.internal) for link in root.links] == [
        (site.url + "/about", True),
        ("https://elsewhere.example/", False),
    ]
    assert (about.depth, about.found_on, about.in_sitemap) == (1, site.url + "/", True)
    assert not root.in_sitemap
    assert facts.pages_crawled == 3 and facts.stopped_reason is None
    assert facts.canonical_targets_checked == 1 and facts.sitemap_hygiene == {"ok": 1}
    assert facts.final_root_url == site.url + "/" and facts.uses_https is False
    assert facts.sitemap_pages == [site.url + "/about"] and facts.sitemap_url_count == 1
    assert facts.robots_status == 404 and facts.robots_error is None


def test_redirect_statuses_chains_loops_and_meta_refresh() -> None:
    routes = {
        "/": page(
            _links("/r301", "/r302", "/r307", "/r308", "/c1", "/l1", "/meta", "/out", "/self")
        ),
        "/r301": redirect("/t301", 301),
        "/r302": redirect("/t302", 302),
        "/r307": redirect("/t307", 307),
        "/r308": redirect("/t308", 308),
        "/c1": redirect("/c2", 301),
        "/c2": redirect("/c3", 302),
        "/c3": redirect("/final", 301),
        "/final": page("<title>Final</title>"),
        "/l1": redirect("/l2"),
        "/l2": redirect("/l1"),
        "/meta": page('<meta http-equiv="refresh" content="0; url=/after-meta"><title>M</title>'),
        "/after-meta": page("<title>After meta</title>"),
        "/out": redirect("https://elsewhere.example/landing", 302),
        "/self": page('<meta http-equiv="refresh" content="0;url=/self2">'),
        "/self2": page('<meta http-equiv="refresh" content="0;url=/self">'),
    }
    for code in (301, 302, 307, 308):
        routes[f"/t{code}"] = page(f"<title>T{code}</title>")
    with serve_site(routes) as site:
        records, _ = crawl(settings_for(site))
        base = site.url
    for code in (301, 302, 307, 308):
        r = records[f"/r{code}"]
        assert [(h.url, h.status, h.kind) for h in r.redirect_chain] == [
            (f"{base}/r{code}", code, HopKind.HTTP)
        ]
        assert (r.status, r.final_url, r.title) == (200, f"{base}/t{code}", f"T{code}")
    chain = records["/c1"]
    assert [(h.url, h.status) for h in chain.redirect_chain] == [
        (f"{base}/c1", 301),
        (f"{base}/c2", 302),
        (f"{base}/c3", 301),
    ]
    assert chain.final_url == f"{base}/final" and chain.title == "Final"
    assert "/final" not in records  # reached through the chain: not fetched twice
    loop = records["/l1"]
    assert loop.redirect_loop and loop.error_kind == ErrorKind.REDIRECT_LOOP
    assert [h.url for h in loop.redirect_chain] == [f"{base}/l1", f"{base}/l2"]
    meta = records["/meta"]
    assert [(h.url, h.status, h.kind) for h in meta.redirect_chain] == [
        (f"{base}/meta", 200, HopKind.META_REFRESH)
    ]
    assert meta.final_url == f"{base}/after-meta" and meta.title == "After meta"
    out = records["/out"]
    assert (out.status, out.final_url) == (302, "https://elsewhere.example/landing")
    assert out.error_kind is None and out.titles == []
    meta_loop = records["/self"]
    assert meta_loop.redirect_loop and meta_loop.error_kind == ErrorKind.REDIRECT_LOOP


def test_error_pages_timeouts_sizes_and_binary_content() -> None:
    routes = {
        "/": page(_links("/missing", "/boom", "/slow", "/big", "/doc.pdf", "/ok")),
        "/boom": page("<title>Oops</title>", status=500),
        "/slow": Response(200, {"Content-Type": "text/html"}, "<title>late</title>", delay_s=3),
        "/big": page("<title>big</title>" + "x" * 5000),
        "/doc.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 " + b"\0" * 1000),
        "/ok": page("<title>Still crawled</title>"),
    }
    with serve_site(routes) as site:
        started = time.monotonic()
        records, facts = crawl(settings_for(site, page_timeout_s=1, max_page_bytes=4096))
        elapsed = time.monotonic() - started
    assert records["/missing"].status == 404 and records["/missing"].error_kind is None
    assert records["/boom"].status == 500 and records["/boom"].titles == []
    slow = records["/slow"]
    assert slow.error_kind == ErrorKind.TIMEOUT and slow.status is None
    assert elapsed < 2.9
    big = records["/big"]
    assert big.error_kind == ErrorKind.TOO_BIG and big.size_bytes == 18 + 5000 and big.titles == []
    pdf = records["/doc.pdf"]
    assert pdf.error_kind == ErrorKind.NON_HTML
    assert (pdf.content_type, pdf.size_bytes) == ("application/pdf", 1009)
    assert records["/ok"].title == "Still crawled"
    assert facts.pages_crawled == 7


def test_malformed_and_non_utf8_pages() -> None:
    latin = "<title>Café crème</title><p>Ça marche</p>".encode("iso-8859-1")
    cp1252 = '<meta charset="windows-1252"><title>Fiancé – “quoted”</title>'.encode("cp1252")
    routes = {
        "/": page(_links("/latin", "/cp1252", "/broken", "/untyped", "/untyped-bin")),
        "/untyped": (200, {}, "<!DOCTYPE html><title>Sniffed</title>"),
        "/untyped-bin": (200, {}, b"\x00\x01binary"),
        "/latin": (200, {"Content-Type": "text/html; charset=ISO-8859-1"}, latin),
        "/cp1252": (200, {"Content-Type": "text/html"}, cp1252),
        "/broken": page(
            "<html><head><title>Broken</title><body><p><a href='/ok'>ok</b></div></td>"
        ),
        "/ok": page("<title>ok</title>"),
    }
    with serve_site(routes) as site:
        records, _ = crawl(settings_for(site))
    assert records["/latin"].title == "Café crème"
    assert records["/cp1252"].title == "Fiancé – “quoted”"
    assert records["/broken"].title == "Broken"
    assert records["/untyped"].title == "Sniffed" and records["/untyped"].content_type is None
    assert records["/untyped-bin"].error_kind == ErrorKind.NON_HTML
    assert records["/ok"].found_on.endswith("/broken")


def test_robots_disallow_crawl_delay_and_ai_bots() -> None:
    robots = (
        "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.3\n\nUser-agent: GPTBot\nDisallow: /\n"
    )
    times: list[float] = []

    def timed(request: Request) -> Response:
        times.append(time.monotonic())
        return page("<title>t</title>")

    routes = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, robots),
        "/": page(_links("/a", "/b", "/private/secret")),
        "/a": timed,
        "/b": timed,
        "/private/secret": page("<title>secret</title>"),
    }
    with serve_site(routes) as site:
        records, facts = crawl(settings_for(site))
        paths = site.paths()
    blocked = records["/private/secret"]
    assert blocked.error_kind == ErrorKind.BLOCKED_BY_ROBOTS and blocked.status is None
    assert "/private/secret" not in paths
    assert facts.crawl_delay == 0.3 and facts.pages_blocked == 1
    assert facts.ai_bots_blocked == ["GPTBot"] and not facts.robots_disallows_all
    assert len(times) == 2 and times[1] - times[0] >= 0.28


def test_robots_can_be_ignored_and_5xx_is_recorded() -> None:
    routes = {
        "/robots.txt": (503, {}, "down"),
        "/": page(_links("/private/x")),
        "/private/x": page("<title>x</title>"),
    }
    with serve_site(routes) as site:
        records, facts = crawl(settings_for(site, max_retries=0))
    assert facts.robots_status == 503 and "503" in (facts.robots_error or "")
    assert records["/private/x"].title == "x"
    routes["/robots.txt"] = (200, {}, "User-agent: *\nDisallow: /private/\n")
    with serve_site(routes) as site:
        records, facts = crawl(settings_for(site, obey_robots=False))
    assert records["/private/x"].title == "x" and facts.robots_error is None


def test_sitemap_index_and_gzip() -> None:
    def urlset(*locs: str) -> bytes:
        body = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
        ).encode()

    routes: dict = {"/": page(_links("/p1", "/p2", "/p3"))}
    with serve_site(routes) as site:
        base = site.url
        index = (
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{base}/sm1.xml.gz</loc></sitemap>"
            f"<sitemap><loc>{base}/sm2.xml</loc></sitemap>"
            f"<sitemap><loc>{base}/gone.xml</loc></sitemap></sitemapindex>"
        )
        site.routes.update(
            {
                "/robots.txt": (200, {}, f"Sitemap: {base}/index.xml\n"),
                "/index.xml": (200, {"Content-Type": "application/xml"}, index),
                "/sm1.xml.gz": (
                    200,
                    {"Content-Type": "application/gzip"},
                    gzip.compress(urlset(f"{base}/p1", f"{base}/p2?utm_source=x")),
                ),
                "/sm2.xml": (200, {"Content-Type": "text/xml"}, urlset(f"{base}/p3")),
                "/p1": page("<title>1</title>"),
                "/p2": page("<title>2</title>"),
                "/p3": page("<title>3</title>"),
            }
        )
        records, facts = crawl(settings_for(site))
    assert facts.sitemap_urls == [f"{base}/index.xml", f"{base}/sm1.xml.gz", f"{base}/sm2.xml"]
    assert facts.sitemap_url_count == 3
    assert facts.sitemap_pages == [f"{base}/p1", f"{base}/p2", f"{base}/p3"]
    assert len(facts.sitemap_errors) == 1 and "gone.xml" in facts.sitemap_errors[0]
    assert all(records[p].in_sitemap for p in ("/p1", "/p2", "/p3"))
    assert not records["/"].in_sitemap


def test_exact_max_pages_and_max_depth() -> None:
    routes = {"/": page(_links(*(f"/p{i}" for i in range(30))))}
    routes.update({f"/p{i}": page(f"<title>{i}</title>") for i in range(30)})
    with serve_site(routes) as site:
        records, facts = crawl(settings_for(site, max_pages=7))
        # robots.txt, sitemap.xml and sitemap_index.xml, then 7 pages
        assert len(site.paths()) == 7 + 3
    assert len(records) == 7 and facts.pages_crawled == 7
    assert facts.stopped_reason == "max_pages" and facts.urls_left == {"max_pages": 24}

    chain = {"/": page(_links("/d1"))}
    chain.update({f"/d{i}": page(_links(f"/d{i + 1}")) for i in range(1, 6)})
    with serve_site(chain) as site:
        records, facts = crawl(settings_for(site, max_depth=2))
    assert sorted(records) == ["/", "/d1", "/d2"]
    assert records["/d2"].depth == 2 and facts.stopped_reason == "max_depth"
    assert facts.urls_left == {"max_depth": 1}


def test_url_identity_case_slash_tracking_and_nofollow() -> None:
    routes = {
        "/": page(
            _links("/Page", "/page", "/dir", "/dir/", "/t?utm_source=a", "/t?utm_source=b&x=")
            + '<a href="/nf" rel="nofollow">nf</a><a href="/stop">stop</a>'
        ),
        "/stop": page('<meta name="robots" content="noindex,nofollow">' + _links("/hidden")),
    }
    for path in ("/Page", "/page", "/dir", "/dir/", "/t", "/nf", "/hidden"):
        routes.setdefault(path, page(f"<title>{path}</title>"))
    with serve_site(routes) as site:
        records, _ = crawl(settings_for(site))
    assert {"/Page", "/page", "/dir", "/dir/"} <= set(records)
    assert "/t" in records and "/t?x=" in records and len([k for k in records if "/t" in k]) == 2
    assert "/nf" not in records and "/hidden" not in records
    with serve_site(routes) as site:
        records, _ = crawl(settings_for(site, follow_nofollow=True))
    assert "/nf" in records and "/hidden" in records


def test_backs_off_on_429_honouring_retry_after() -> None:
    calls: list[float] = []

    def limited(request: Request) -> Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response(429, {"Retry-After": "1"}, "slow down")
        return page("<title>finally</title>")

    with serve_site({"/": limited}) as site:
        records, _ = crawl(settings_for(site))
    assert records["/"].status == 200 and records["/"].title == "finally"
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.95


def test_time_budget_stops_the_crawl() -> None:
    routes = {"/": page(_links(*(f"/s{i}" for i in range(20))))}
    routes.update(
        {
            f"/s{i}": Response(200, {"Content-Type": "text/html"}, "<title>s</title>", 0.4)
            for i in range(20)
        }
    )
    with serve_site(routes) as site:
        records, facts = crawl(settings_for(site, time_budget_s=0.5, concurrency=2))
    assert facts.stopped_reason == "time_budget"
    assert 1 <= len(records) < 10


def test_network_guard_refuses_loopback_names_and_metadata_redirects() -> None:
    routes = {
        "/": page(_links("/to-metadata", "/fine")),
        "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/", 302),
        "/fine": page("<title>fine</title>"),
    }
    with serve_site(routes) as site:
        records, facts = crawl(
            settings_for(site, allow_private_networks=False).model_copy(
                update={"root_url": f"http://localhost:{site.port}/"}
            )
        )
        assert site.requests == []
    assert list(records) == ["/"]
    assert records["/"].error_kind == ErrorKind.NETWORK_GUARD
    assert "127.0.0.1" in (records["/"].error or "") or "::1" in (records["/"].error or "")
    assert facts.pages_blocked == 1

    with serve_site(routes) as site:
        records, _ = crawl(
            settings_for(
                site, allow_private_networks=False, private_network_allowlist=("127.0.0.1/32",)
            )
        )
    refused = records["/to-metadata"]
    assert refused.error_kind == ErrorKind.NETWORK_GUARD
    assert refused.final_url == "http://169.254.169.254/latest/meta-data/"
    assert [(h.status, h.kind) for h in refused.redirect_chain] == [(302, HopKind.HTTP)]
    assert records["/fine"].title == "fine"


def test_streaming_iterator_and_early_stop() -> None:
    routes = {"/": page(_links(*(f"/p{i}" for i in range(10))))}
    routes.update({f"/p{i}": page(f"<title>{i}</title>") for i in range(10)})

    async def first_three(crawler: SiteCrawler) -> list[PageRecord]:
        got = []
        async for record in crawler.crawl():
            got.append(record)
            if len(got) == 3:
                break
        return got

    with serve_site(routes) as site:
        crawler = SiteCrawler(settings_for(site))
        got = asyncio.run(first_three(crawler))
        seen: list[str] = []
        facts = crawl_site(settings_for(site), lambda r: seen.append(r.url))
    assert len(got) == 3 and got[0].url == site.url + "/"
    assert len(seen) == 11 and facts.pages_crawled == 11 and facts.duration_s is not None


def test_callback_errors_propagate() -> None:
    def fail(record: PageRecord) -> None:
        raise RuntimeError("database down")

    with (
        serve_site({"/": page("<title>x</title>")}) as site,
        pytest.raises(RuntimeError, match="database down"),
    ):
        crawl_site(settings_for(site), fail)


def test_should_stop_cancels_pages_in_flight_and_says_why() -> None:
    slow = Response(200, {"Content-Type": "text/html"}, "<title>slow</title>", delay_s=30)
    routes = {"/": page(_links(*(f"/p{i}" for i in range(10))))}
    routes |= {f"/p{i}": slow for i in range(10)}
    seen: list[str] = []
    with serve_site(routes) as site:
        started = time.monotonic()
        with pytest.raises(CrawlStoppedError, match="canceled by the test"):
            crawl_site(
                settings_for(site, page_timeout_s=60),
                lambda r: seen.append(r.url),
                should_stop=lambda: "canceled by the test" if len(site.requests) > 3 else None,
            )
        took = time.monotonic() - started
    assert seen == [site.url + "/"] and took < 25  # not after the 30 s pages


def test_should_stop_errors_end_the_crawl() -> None:
    def broken() -> str | None:
        raise RuntimeError("run status unknown")

    slow = Response(200, {"Content-Type": "text/html"}, "<title>slow</title>", delay_s=30)
    routes = {"/": page(_links("/slow")), "/slow": slow}
    with serve_site(routes) as site, pytest.raises(RuntimeError, match="run status unknown"):
        crawl_site(settings_for(site, page_timeout_s=60), should_stop=broken)


def test_connection_and_tls_failures_are_recorded() -> None:
    with serve_site({"/": page("<title>plain http</title>")}) as site:
        records, _ = crawl(
            settings_for(site).model_copy(update={"root_url": f"https://127.0.0.1:{site.port}/"})
        )
    assert records["/"].error_kind == ErrorKind.TLS
    with serve_site({}) as site:
        closed = site.port
    records, facts = crawl(
        settings_for(site).model_copy(update={"root_url": f"http://127.0.0.1:{closed}/"})
    )
    assert records["/"].error_kind == ErrorKind.CONNECTION
    assert facts.robots_error and facts.robots_error.startswith("connection")


def test_error_classification() -> None:
    dns = httpx.ConnectError("[Errno -2] Name or service not known")
    assert classify(dns) == ErrorKind.DNS
    assert classify(httpx.ConnectError("[Errno 111] Connection refused")) == ErrorKind.CONNECTION
    assert classify(httpx.ReadTimeout("timed out")) == ErrorKind.TIMEOUT
    try:
        raise httpx.ConnectError("handshake") from ssl.SSLError(1, "CERTIFICATE_VERIFY_FAILED")
    except httpx.ConnectError as exc:
        assert classify(exc) == ErrorKind.TLS


def test_records_survive_a_json_round_trip() -> None:
    html = (
        '<title>J</title><script type="application/ld+json">{"@type": "Thing"}</script>'
        '<a href="/">home</a><img src="/i.png">'
    )
    with serve_site({"/": page(html)}) as site:
        records, facts = crawl(settings_for(site))
    record = records["/"]
    data = json.loads(json.dumps(record.to_dict()))
    assert PageRecord.from_dict(data) == record
    assert isinstance(data["simhash"], int) and 0 <= data["simhash"] < 2**64
    assert SiteFacts.from_dict(json.loads(json.dumps(facts.to_dict()))) == facts
    copied = record.to_dict()  # shares nothing mutable with the record
    copied["links"][0]["anchor"] = "changed"
    copied["json_ld"][0]["data"]["@type"] = "Changed"
    assert record.links[0].anchor == "home" and record.json_ld[0].data == {"@type": "Thing"}


def test_pages_are_fetched_over_http2_where_the_server_offers_it(tmp_path: Path) -> None:
    pages = {
        "/": f"<html><head><title>Home</title></head><body>{_links('/a', '/b')}</body></html>",
        "/a": "<html><head><title>A</title></head><body>a</body></html>",
        "/b": "<html><head><title>B</title></head><body>b</body></html>",
    }
    with serve_h2_site(pages, tmp_path) as site:
        guarded = CrawlSettings(  # the network guard on, loopback allow-listed
            root_url=site.url + "/",
            private_network_allowlist=("127.0.0.1/32",),
            render_mode="never",
            page_timeout_s=5,
        )
        records, _ = crawl(guarded.model_copy(update={"ca_bundle": str(site.ca_file)}))
        refused: list[PageRecord] = []
        crawl_site(guarded, refused.append)  # the test CA is not trusted by default
    assert {path: r.status for path, r in records.items()} == {"/": 200, "/a": 200, "/b": 200}
    assert {r.http_version for r in records.values()} == {"HTTP/2"}
    assert {"/", "/a", "/b"} <= set(site.paths) and set(site.protocols) == {"h2"}
    assert records["/"].to_dict()["http_version"] == "HTTP/2"
    # without the CA the certificate is not trusted: nothing is fetched, the error is TLS
    assert [(r.status, r.error_kind) for r in refused] == [(None, ErrorKind.TLS)]
