"""The browser path: real Chromium rendering pages of local sites."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import subprocess
import sys
import time

import pytest

from seology_pipeline.crawl.chromium import BrowserNotFoundError
from seology_pipeline.crawl.crawler import SiteCrawler, crawl_site
from seology_pipeline.crawl.records import ErrorKind, HopKind
from seology_pipeline_tests.crawl.conftest import crawl, settings_for
from seology_pipeline_tests.sites import Response, page, serve_site

JS_PAGE = """<html><head><title></title></head><body><div id="root"></div>
<script>
document.title = 'Made by JavaScript';
document.getElementById('root').innerHTML =
  '<h1>Rendered heading</h1><a href="/js-only">only in the DOM</a>';
</script></body></html>"""

STATIC = (
    "<html><head><title>Static</title><link rel=stylesheet href=/style.css></head><body>"
    '<p>Plenty of server rendered words here for the reader to enjoy today.</p><a href="/js">'
    'js</a> <img src="/pic.png" alt="A picture" width="30" height="20"></body></html>'
)


def _site_routes() -> dict:
    return {
        "/": page(STATIC),
        "/js": page(JS_PAGE),
        "/js-only": page("<title>Found through JavaScript</title><p>hello</p>"),
        "/style.css": (200, {"Content-Type": "text/css"}, "body{}"),
        "/pic.png": (200, {"Content-Type": "image/png"}, b"\x89PNG"),
    }


@pytest.mark.parametrize("mode", ["always", "auto", "never"])
def test_javascript_title_and_links(mode: str, browser_executable: str) -> None:
    with serve_site(_site_routes()) as site:
        records, facts = crawl(
            settings_for(site, render_mode=mode, browser_executable=browser_executable)
        )
        paths = site.paths()
    js = records["/js"]
    if mode == "never":
        assert js.title == "" and not js.rendered
        assert "/js-only" not in records
        return
    assert js.rendered and js.title == "Made by JavaScript"
    assert js.h1_texts == ["Rendered heading"]
    assert [link.url for link in js.links] == [site.url + "/js-only"]
    assert {(d.field, d.raw, d.rendered) for d in js.render_diffs} == {
        ("title", "", "Made by JavaScript"),
        ("link_count", 0, 1),
    }
    assert records["/js-only"].title == "Found through JavaScript"
    assert records["/js-only"].found_on == site.url + "/js"
    root = records["/"]
    assert root.rendered == (mode == "always")
    assert [(i.url, i.alt, i.width) for i in root.images] == [
        (site.url + "/pic.png", "A picture", "30")
    ]
    # images and stylesheets stay unloaded; the browser reuses the fetched HTML
    assert "/pic.png" not in paths and "/style.css" not in paths
    assert paths.count("/js") == 1 and paths.count("/") == 1
    assert facts.pages_rendered == (3 if mode == "always" else 1)


def test_javascript_redirect_and_guard_inside_the_browser(browser_executable: str) -> None:
    routes = {
        "/": page('<a href="/jsr">r</a><a href="/evil">e</a><a href="/probe">p</a>'),
        "/jsr": page("<title>before</title><script>location.replace('/landing')</script>"),
        "/landing": page("<title>Landing</title>"),
        "/evil": page(
            "<title>x</title><script>location.href='http://169.254.169.254/latest/'</script>"
        ),
        "/probe": page(
            "<title></title><script>fetch('http://169.254.169.254/latest/meta-data/')"
            ".then(() => { document.title = 'reached'; })"
            ".catch(() => { document.title = 'refused'; });</script>"
        ),
    }
    with serve_site(routes) as site:
        records, _ = crawl(
            settings_for(
                site,
                render_mode="always",
                browser_executable=browser_executable,
                allow_private_networks=False,
                private_network_allowlist=("127.0.0.1/32",),
            )
        )
    jsr = records["/jsr"]
    assert [(h.url, h.status, h.kind) for h in jsr.redirect_chain] == [
        (site.url + "/jsr", 200, HopKind.JAVASCRIPT)
    ]
    assert (jsr.final_url, jsr.status, jsr.title) == (site.url + "/landing", 200, "Landing")
    evil = records["/evil"]
    assert evil.error_kind == ErrorKind.NETWORK_GUARD
    assert evil.final_url == "http://169.254.169.254/latest/"
    assert evil.redirect_chain[0].kind == HopKind.JAVASCRIPT
    assert records["/probe"].title == "refused"


def test_missing_browser_fails_the_crawl_with_install_help() -> None:
    with serve_site({"/": page("<title>x</title>")}) as site:
        settings = settings_for(site, render_mode="always", browser_executable="/no/such/chrome")
        with pytest.raises(BrowserNotFoundError, match="playwright install chromium"):
            crawl_site(settings)
        assert site.requests == []


def test_a_page_that_hangs_the_browser_does_not_stop_the_crawl(browser_executable: str) -> None:
    routes = {
        "/": page('<a href="/hang">h</a>' + "".join(f'<a href="/p{i}">p</a>' for i in range(8))),
        "/hang": page("<title>hang</title><script>while (true) {}</script>"),
    }
    routes.update({f"/p{i}": page(f"<title>p{i}</title>") for i in range(8)})
    with serve_site(routes) as site:
        started = time.monotonic()
        records, facts = crawl(
            settings_for(
                site, render_mode="always", browser_executable=browser_executable, page_timeout_s=2
            )
        )
        elapsed = time.monotonic() - started
    # The hanging page is killed at its timeout and keeps its raw HTML fields; the others render.
    assert records["/hang"].title == "hang"
    assert len(records) == 10 and facts.pages_rendered == 10
    failed = [r for r in records.values() if not r.rendered]
    assert [(r.url, r.error_kind) for r in failed] == [(site.url + "/hang", ErrorKind.BROWSER)]
    assert elapsed < 20


HOG = (
    "<title>hog</title><script>const kept = [];"
    "while (true) kept.push(new Array(1e5).fill(kept.length));</script>"
)


def test_hostile_pages_are_killed_at_the_timeout_without_failing_their_neighbours(
    browser_executable: str,
) -> None:
    neighbours = [f"/p{i}" for i in range(8)]
    links = ["/hang", "/hog", *neighbours]
    routes = {
        "/": page("<title>home</title>" + "".join(f'<a href="{p}">{p}</a>' for p in links)),
        "/hang": page("<title>hang</title><script>while (true) {}</script>"),
        "/hog": page(HOG),
    }
    for name in neighbours:  # slow enough to be rendered while the hostile pages run
        routes[name] = page(f"<title>{name}</title><script>setTimeout(() => 0, 10)</script>")
    timeout_s = 10  # two spinning renderers take both cores of a small CI machine
    with serve_site(routes) as site:
        records, facts = crawl(
            settings_for(
                site,
                render_mode="always",
                browser_executable=browser_executable,
                page_timeout_s=timeout_s,
                browser_pages=3,
            )
        )
    hostile = [records["/hang"], records["/hog"]]
    assert all(r.error_kind == ErrorKind.BROWSER and not r.rendered for r in hostile)
    assert all(r.load_ms is not None and r.load_ms < (timeout_s + 3) * 1000 for r in hostile)
    assert [name for name in neighbours if not records[name].rendered] == []
    assert all(records[name].title == name for name in neighbours)
    assert records["/"].rendered and facts.pages_rendered == 11


def test_websockets_from_pages_and_workers_are_refused_by_the_crawler(
    browser_executable: str,
) -> None:
    """The target (127.0.0.2) is in the page's own address space (loopback), so Chromium's
    private-network protections do not apply: only the crawler's own refusal stops these."""
    listener = socket.create_server(("127.0.0.2", 0))
    port = listener.getsockname()[1]
    listener.settimeout(0.2)
    opened = (
        f"new WebSocket('ws://127.0.0.2:{port}/from-page');"
        "new Worker(URL.createObjectURL(new Blob("
        f"[\"new WebSocket('ws://127.0.0.2:{port}/from-worker')\"])));"
    )
    routes = {"/": page(f"<title>sockets</title><script>{opened}</script>")}
    with serve_site(routes) as site, listener:
        records, _ = crawl(
            settings_for(
                site,
                render_mode="always",
                browser_executable=browser_executable,
                allow_private_networks=False,
                private_network_allowlist=("127.0.0.1/32",),
                render_wait_ms=0,
            )
        )
        connections = 0
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                listener.accept()[0].close()
                connections += 1
    assert records["/"].rendered and records["/"].title == "sockets"
    assert connections == 0


def test_auto_mode_starts_the_browser_when_needed_and_closes_it_when_idle(
    browser_executable: str,
) -> None:
    routes = {
        "/": page(STATIC.replace('href="/js"', 'href="/js1"') + '<a href="/wait">w</a>'),
        "/js1": page(JS_PAGE.replace("/js-only", "/wait")),
        "/wait": Response(
            200, {"Content-Type": "text/html"}, '<title>w</title><a href="/js2">j</a>', 1.0
        ),
        "/js2": page(JS_PAGE.replace("/js-only", "/")),
    }

    def run(settings) -> tuple[list[str], int]:
        crawler = SiteCrawler(settings)

        async def collect() -> list[str]:
            return [r.url async for r in crawler.crawl() if r.rendered]

        rendered = asyncio.run(collect())
        return rendered, crawler.renderer.launches if crawler.renderer is not None else 0

    with serve_site(routes) as site:
        options = {"browser_executable": browser_executable, "concurrency": 1}
        rendered, launches = run(
            settings_for(site, render_mode="auto", browser_idle_s=0.3, **options)
        )
        assert rendered == [site.url + "/js1", site.url + "/js2"] and launches == 2
        rendered, launches = run(
            settings_for(site, "/wait", render_mode="auto", max_pages=1, **options)
        )
        assert rendered == [] and launches == 0  # no page needed JavaScript: no browser


PLAYWRIGHT_PROBE = """
import json, sys
from seology_pipeline.crawl.crawler import crawl_site
from seology_pipeline.crawl.settings import CrawlSettings
facts = crawl_site(CrawlSettings(**json.loads(sys.argv[1])))
print(facts.pages_rendered, "playwright" in sys.modules)
"""


def test_a_crawl_loads_playwright_only_once_a_page_needs_rendering(
    browser_executable: str,
) -> None:
    """In ``auto`` mode a site with no JavaScript page never imports Playwright (0.15 s)."""
    seen = {}
    with serve_site(_site_routes()) as site:
        for path in ("/js-only", "/js"):
            settings = {
                "root_url": site.url + path,
                "allow_private_networks": True,
                "render_mode": "auto",
                "browser_executable": browser_executable,
                "max_pages": 1,
            }
            seen[path] = subprocess.run(
                [sys.executable, "-c", PLAYWRIGHT_PROBE, json.dumps(settings)],
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            ).stdout.split()
    assert seen == {"/js-only": ["0", "False"], "/js": ["1", "True"]}
