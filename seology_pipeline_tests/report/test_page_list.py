"""The report's page list: every crawled URL with its status, title, indexability, depth,
response time, redirect target, inlinks and issues; filtered and exported in headless Chromium,
offline, by the report's own inline script."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlalchemy import Engine

from seology_pipeline.crawl.browser import launch_args
from seology_pipeline.crawl.chromium import find_browser_executable
from seology_pipeline.crawl.records import LinkRecord, PageRecord, RedirectHop, TagText
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Page as PageRow
from seology_pipeline.report import render_html_report
from seology_pipeline.report.urls import URL_COLUMNS, crawl_export
from seology_pipeline.settings import load_settings
from seology_pipeline_tests.report.conftest import HOSTILE, SITE_ID

ROOT = "https://shop.example"
HEADERS = [
    "URL",
    "Status",
    "Title",
    "Indexability",
    "Depth",
    "Response (ms)",
    "Redirect target",
    "Inlinks",
    "Issues",
]


def _link(path: str) -> LinkRecord:
    return LinkRecord(href=path, url=f"{ROOT}{path}")


# The crawl's pages: (path, status, title, depth, ttfb ms, links to, extra fields).
PAGES = [
    ("/", 200, "Acme home", 0, 120.4, ["/a", "/b", "/old", "/d"], {}),
    ("/a", 404, None, 1, 35.0, [], {}),
    ("/b", 200, "Boots", 1, 250.6, ["/", "/d"], {}),
    ("/old", 301, None, 1, 12.0, [], {"redirect_chain": [RedirectHop(f"{ROOT}/old", 301)]}),
    ("/d", 200, HOSTILE, 2, 980.2, ["/d"], {"meta_robots": ["noindex"]}),
    ("/slow", None, None, 3, None, [], {"error": "timeout"}),
]


def _record(path: str, status, title, depth, ttfb, links, extra) -> PageRecord:
    final = f"{ROOT}/new" if extra.get("redirect_chain") else f"{ROOT}{path}"
    return PageRecord(
        url=f"{ROOT}{path}",
        depth=depth,
        status=status,
        final_url=final if status else None,
        content_type="text/html" if status else None,
        ttfb_ms=ttfb,
        titles=[TagText(title)] if title else [],
        links=[_link(target) for target in links],
        **extra,
    )


@pytest.fixture
def crawled(report_engine: Engine) -> Engine:
    """The report database with the current crawl's pages stored."""
    with session_scope(report_engine) as session:
        for spec in PAGES:
            record = _record(*spec)
            session.add(
                PageRow(crawl_id=2, site_id=SITE_ID, url=record.url, record=record.to_dict())
            )
    return report_engine


@pytest.fixture
def html(crawled: Engine) -> str:
    with session_scope(crawled) as session:
        return render_html_report(session, SITE_ID)


def test_the_export_has_the_page_list_columns(crawled: Engine) -> None:
    with session_scope(crawled) as session:
        rows = {
            row["url"].removeprefix(ROOT): row for row in crawl_export(session, SITE_ID)["urls"]
        }
    assert set(rows) == {spec[0] for spec in PAGES}
    assert all(list(row) == list(URL_COLUMNS) for row in rows.values())
    home, old, noindexed = rows["/"], rows["/old"], rows["/d"]
    assert (home["title"], home["response_ms"], home["inlinks"]) == ("Acme home", 120, 1)
    assert (old["indexability"], old["redirect_target"]) == ("redirected", f"{ROOT}/new")
    assert noindexed["inlinks"] == 2  # / and /b; its link to itself does not count
    assert noindexed["indexability"] == "noindex" and noindexed["title"] == HOSTILE
    assert rows["/slow"]["status"] is None and rows["/slow"]["response_ms"] is None
    assert (rows["/a"]["issues"], rows["/b"]["issues"], rows["/d"]["issues"]) == (1, 1, 1)
    assert home["redirect_target"] is None and home["issues"] == 0


def test_the_html_lists_every_url_with_its_columns(html: str) -> None:
    table = HTMLParser(html).css_first("#page-table")
    assert table is not None
    assert [th.text() for th in table.css("thead th")] == HEADERS
    rows = [[td.text() for td in tr.css("td")] for tr in table.css("tbody tr")]
    cells = {row[0]: row for row in rows}
    assert len(rows) == len(PAGES) and set(cells) == {f"{ROOT}{spec[0]}" for spec in PAGES}
    home = [f"{ROOT}/", "200", "Acme home", "indexable", "0", "120", "", "1", "0"]
    assert cells[f"{ROOT}/"] == home
    assert cells[f"{ROOT}/old"][1:] == ["301", "", "redirected", "1", "12", f"{ROOT}/new", "1", "0"]
    assert cells[f"{ROOT}/d"][1:4] == ["200", HOSTILE, "noindex"]
    assert cells[f"{ROOT}/slow"][1:] == ["no response", "", "no response", "3", "—", "", "0", "0"]
    assert cells[f"{ROOT}/a"][1] == "404" and cells[f"{ROOT}/a"][-1] == "1"
    assert "<script>window.__pwned" not in html  # the hostile title is escaped


def test_a_report_without_stored_pages_says_so(report_engine: Engine) -> None:
    with session_scope(report_engine) as session:
        tree = HTMLParser(render_html_report(session, SITE_ID))
    assert tree.css_first("#page-table") is None and tree.css_first("#no-pages") is not None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = find_browser_executable(load_settings().crawl.browser_executable)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=launch_args(block_images=False)
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, html: str, tmp_path: Path) -> Iterator[Page]:
    target = tmp_path / "report.html"
    target.write_text(html, encoding="utf-8")
    context = browser.new_context(offline=True, accept_downloads=True)
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(target.as_uri())
    yield tab
    assert [url for url in requests if not url.startswith("data:")] == [target.as_uri()]
    assert errors == [] and tab.evaluate("window.__pwned") is None
    context.close()


def visible_paths(page: Page) -> list[str]:
    urls = page.locator("#page-table tbody tr:visible td:first-child").all_inner_texts()
    return [url.removeprefix(ROOT) for url in urls]


def test_typing_and_selecting_filter_the_rows(page: Page) -> None:
    assert visible_paths(page) == [spec[0] for spec in PAGES]
    page.locator("#page-filter").type("boots")  # a title, case-insensitive
    assert visible_paths(page) == ["/b"]
    assert page.locator("#page-visible-count").inner_text() == "1"
    page.locator("#page-filter").fill("")
    page.locator("#page-filter").type("/new")  # a redirect target
    assert visible_paths(page) == ["/old"]
    page.locator("#page-filter").fill("")
    page.locator("#page-status-filter").select_option("200")
    assert visible_paths(page) == ["/", "/b", "/d"]
    page.locator("#page-indexability-filter").select_option("noindex")
    assert visible_paths(page) == ["/d"]
    page.locator("#page-status-filter").select_option("")
    page.locator("#page-indexability-filter").select_option("no_response")
    assert visible_paths(page) == ["/slow"]
    page.locator("#page-indexability-filter").select_option("")
    page.locator("#page-filter").type("nothing like this")
    assert visible_paths(page) == [] and page.locator("#page-visible-count").inner_text() == "0"


def test_sorting_by_response_time(page: Page) -> None:
    header = page.locator("#page-table thead th", has_text="Response (ms)")
    header.click()
    assert visible_paths(page) == ["/old", "/a", "/", "/b", "/d", "/slow"]
    header.click()
    assert visible_paths(page)[0] == "/slow"


def _download(page: Page, button: str) -> tuple[str, str]:
    with page.expect_download() as info:
        page.locator(button).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_text(encoding="utf-8")


def test_the_rows_shown_download_as_csv_and_json(page: Page) -> None:
    page.locator("#page-status-filter").select_option("200")
    name, text = _download(page, "#pages-csv")
    assert name == f"{SITE_ID}-crawl-2-pages.csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["url"] for row in rows] == [f"{ROOT}/", f"{ROOT}/b", f"{ROOT}/d"]
    assert rows[2]["title"] == HOSTILE and rows[2]["indexability"] == "noindex"
    assert rows[0]["response_ms"] == "120" and rows[0]["redirect_target"] == ""

    page.locator("#page-status-filter").select_option("")
    page.locator("#page-filter").fill("/old")
    name, text = _download(page, "#pages-json")
    assert name.endswith("-pages.json")
    assert json.loads(text) == [
        {
            "url": f"{ROOT}/old",
            "status": 301,
            "title": None,
            "indexability": "redirected",
            "depth": 1,
            "response_ms": 12,
            "redirect_target": f"{ROOT}/new",
            "inlinks": 1,
            "issues": 0,
        }
    ]
    assert re.fullmatch(r"[\w.-]+", name)
