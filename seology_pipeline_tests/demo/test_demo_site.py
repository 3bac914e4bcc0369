"""The bundled demo site: content and templates, the planted SEO problems, and the demo server."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from protego import Protego

from seology_pipeline.crawl.extract import json_ld_blocks, needs_javascript, parse_html
from seology_pipeline.crawl.text import words
from seology_pipeline.demo.content import ORIGIN, PAGES
from seology_pipeline.demo.generate import file_for, render_site, write_site
from seology_pipeline.demo.server import SLOW_SECONDS, serve_demo_site

DEMO_PACKAGE = Path(__file__).parents[2] / "seology_pipeline" / "demo"

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def demo_url() -> str:
    with serve_demo_site() as url:
        yield url


@pytest.fixture(scope="module")
def client(demo_url: str) -> httpx.Client:
    with httpx.Client(base_url=demo_url, timeout=10, follow_redirects=False) as c:
        yield c


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-site")
    write_site(folder)
    return folder


SITE = render_site()


def parsed(path: str) -> dict:
    return parse_html(SITE[file_for(path)])


def test_the_site_is_data_rendered_at_demo_time(site_dir: Path) -> None:
    written = {
        str(p.relative_to(site_dir)): p.read_text() for p in site_dir.rglob("*") if p.is_file()
    }
    assert written == SITE
    assert len(SITE) == len(PAGES) + 2  # the pages, robots.txt and sitemap.xml
    assert not list(DEMO_PACKAGE.rglob("*.html")) and not (DEMO_PACKAGE / "site").exists()
    assert (DEMO_PACKAGE / "content.yaml").is_file()
    assert (DEMO_PACKAGE / "templates" / "page.html.j2").is_file()


def test_about_fifty_realistic_pages() -> None:
    html_files = [text for name, text in SITE.items() if name.endswith(".html")]
    assert 50 <= len(html_files) <= 60
    sizes = sorted(len(text.encode()) for text in html_files)
    assert sizes[len(sizes) // 2] > 4000  # median page: a few KB of real text
    assert all(size < 20_000 for size in sizes)
    long_pages = [p for p in PAGES if len(words(parsed(p.path)["text"])) >= 200]
    assert len(long_pages) >= 45


def test_planted_metadata_problems() -> None:
    titles = {p.path: parsed(p.path)["titles"] for p in PAGES}
    assert titles["/blog/why-we-use-heritage-grains/"] == [["", True]]
    assert titles["/menu/breads/"] == titles["/menu/pastries/"]
    assert len(titles["/catering/weddings/"][0][0]) > 60
    assert len(titles["/accessibility/"][0][0]) < 30
    descriptions = {p.path: parsed(p.path)["meta_descriptions"] for p in PAGES}
    assert descriptions["/about/history/"] == [] and descriptions["/privacy/"] == []
    assert len(descriptions["/catering/corporate/"][0][0]) > 155
    assert descriptions["/wholesale/"] == descriptions["/catering/"]
    assert parsed("/locations/riverside/")["h1_texts"] == []
    assert len(parsed("/classes/kids-baking/")["h1_texts"]) == 2
    assert parsed("/locations/old-town/")["heading_levels"][:2] == [1, 4]
    head_baker = parsed("/blog/meet-our-head-baker/")
    assert head_baker["lang"] is None and head_baker["viewport"] is None


def test_planted_content_and_indexability_problems() -> None:
    assert parsed("/menu/sourdough/")["text"] == parsed("/menu/sourdough-loaf/")["text"]
    assert parsed("/menu/sourdough/")["canonicals"] == []
    assert len(words(parsed("/blog/holiday-hours-2024/")["text"])) < 50
    order = parsed("/order/")
    assert needs_javascript(order) and words(order["text"]) == []
    assert parsed("/thank-you/")["meta_robots"] == ["noindex, follow"]
    assert parsed("/blog/the-perfect-croissant-lamination/")["canonicals"][0][0].startswith("/")
    blocks = json_ld_blocks(parsed("/classes/sourdough-101/")["json_ld"])
    assert blocks[0].error and "invalid JSON" in blocks[0].error
    assert json_ld_blocks(parsed("/faq/")["json_ld"])[0].error is None
    assert ["en-UK", f"{ORIGIN}/"] in parsed("/")["hreflang"]
    assert parsed("/fr/")["hreflang"] == []
    coffee_images = parsed("/menu/coffee/")["images"]
    assert sum(1 for _src, alt, _w, _h in coffee_images if alt is None) == 2
    assert parsed("/contact/")["forms"] == ["http://forms.cedarhollowbakery.example/contact"]
    assert any(r.startswith("http://cdn.") for r in parsed("/catering/")["resources"])
    nofollow = [link for link in parsed("/blog/wedding-cake-trends-2024/")["links"] if link[2]]
    assert nofollow == [["/catering/weddings/", "wedding cakes and catering", "nofollow", ""]]


def test_orphan_page_is_only_in_the_sitemap() -> None:
    linked = {link[0] for p in PAGES for link in parsed(p.path)["links"] if link[0]}
    assert "/events/summer-fair-2023/" not in linked
    sitemap = SITE["sitemap.xml"]
    assert f"{ORIGIN}/events/summer-fair-2023/" in sitemap


def test_server_rewrites_the_origin(client: httpx.Client, demo_url: str) -> None:
    home = client.get("/")
    assert home.status_code == 200
    assert home.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<link rel="canonical" href="{demo_url}">' in home.text
    assert ORIGIN not in home.text
    robots = Protego.parse(client.get("/robots.txt").text)
    assert not robots.can_fetch(f"{demo_url}admin/login/", "seology")
    assert robots.can_fetch(f"{demo_url}menu/", "seology")
    assert not robots.can_fetch(f"{demo_url}menu/", "GPTBot")
    assert list(robots.sitemaps) == [f"{demo_url}sitemap.xml"]
    sitemap = ElementTree.fromstring(client.get("/sitemap.xml").content)
    locs = [loc.text for loc in sitemap.findall("s:url/s:loc", SITEMAP_NS)]
    assert len(locs) >= 45 and all(loc.startswith(demo_url) for loc in locs)
    assert f"{demo_url}thank-you/" in locs and f"{demo_url}specials/" in locs


def test_server_every_sitemap_url_answers(client: httpx.Client, demo_url: str) -> None:
    sitemap = ElementTree.fromstring(client.get("/sitemap.xml").content)
    statuses = {}
    for loc in sitemap.findall("s:url/s:loc", SITEMAP_NS):
        path = loc.text.removeprefix(demo_url.rstrip("/"))
        if path != "/catering/quote/":
            statuses[path] = client.head(path).status_code
    assert statuses.pop("/specials/") == 301
    assert statuses.pop("/menu/gluten-free/") == 410
    assert set(statuses.values()) == {200}


def test_server_routing_table(client: httpx.Client) -> None:
    first = client.get("/specials/")
    assert (first.status_code, first.headers["location"]) == (301, "/seasonal-specials/")
    second = client.get("/seasonal-specials/")
    assert (second.status_code, second.headers["location"]) == (302, "/offers/")
    final = client.get("/specials/", follow_redirects=True)
    assert final.status_code == 200 and len(final.history) == 2
    assert "<h1>Seasonal specials</h1>" in final.text
    assert client.get("/old-menu/").headers["location"] == "/menu/"
    assert client.get("/about").headers["location"] == "/about/"
    assert client.get("/gift-cards/").status_code == 500
    missing = client.get("/blog/starter-care-guide/")
    assert missing.status_code == 404 and "could not find that page" in missing.text
    assert client.get("/../pyproject.toml").status_code == 404
    assert client.get("/%2e%2e/pyproject.toml").status_code == 404
    image = client.get("/images/logo.png")
    assert image.headers["content-type"] == "image/png" and image.content[:4] == b"\x89PNG"
    head = client.head("/menu/")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 3000


def test_server_slow_page(client: httpx.Client) -> None:
    started = time.perf_counter()
    answer = client.get("/catering/quote/")
    assert answer.status_code == 200
    assert time.perf_counter() - started >= SLOW_SECONDS * 0.95


def test_server_stops_on_exit() -> None:
    with serve_demo_site() as url:
        assert httpx.get(url, timeout=5).status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2)


def test_json_ld_on_valid_pages_parses() -> None:
    for page in PAGES:
        if isinstance(page.json_ld, dict):
            assert json_ld_blocks(parsed(page.path)["json_ld"])[0].error is None


def test_content_and_templates_ship_as_package_data() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["*"]
    suffixes = {p.suffix for p in DEMO_PACKAGE.rglob("*") if p.is_file() and p.suffix != ".py"}
    assert suffixes == {".yaml", ".j2"}
    assert suffixes <= {pattern.removeprefix("*") for pattern in patterns}
