"""The HTML report in headless Chromium: screenshot, numbers, sections, sorting, filtering."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import Engine

from seology_pipeline.db.engine import session_scope
from seology_pipeline.report import render_html_report
from seology_pipeline_tests.report.conftest import HOSTILE, SITE_ID

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str:
    for candidate in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium"):
        if Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    assert found, "Chromium is required (Debian package chromium-headless-shell or chromium)"
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def report_page(browser: Browser, report_engine: Engine, tmp_path: Path) -> Iterator[Page]:
    with session_scope(report_engine) as session:
        html = render_html_report(session, SITE_ID)
    target = tmp_path / "report.html"
    target.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(target.as_uri())
    yield page
    assert requests == [target.as_uri()], "the report must need nothing but itself"
    assert errors == []
    context.close()


def visible_ids(page: Page) -> list[str]:
    return page.locator("#issue-table tbody tr:visible td:first-child").all_inner_texts()


def test_screenshot_and_key_numbers(report_page: Page, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    report_page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == 1280 and height > 1500

    page = report_page
    assert page.locator("#health-score").text_content() == "71"
    assert page.locator("#health-delta").inner_text() == "(+9)"
    assert page.locator("#open-issues").inner_text() == "8"
    counts = {s: page.locator(f"#count-{s}").inner_text() for s in ("critical", "high", "low")}
    assert counts == {"critical": "1", "high": "2", "low": "4"}
    assert page.locator("#crawl-id").inner_text() == "#2"
    assert page.locator("#pages-crawled").inner_text() == "45 / 100"
    bars = page.locator("#chart-severity g.bar")
    assert [bars.nth(i).get_attribute("data-value") for i in range(4)] == ["1", "2", "1", "4"]
    assert page.locator("#chart-category g.bar").first.get_attribute("data-label") == "images"
    diff = {n: page.locator(f"#diff-{n}").inner_text() for n in ("new", "resolved", "regressed")}
    assert diff == {"new": "6", "resolved": "1", "regressed": "1"}
    assert page.locator("#diff-resolved-list li").count() == 1


def test_analysis_actions(report_page: Page) -> None:
    page = report_page
    assert "claude-sonnet-4-5" in page.locator("#analyst").inner_text()
    assert page.locator("#analysis-summary").inner_text().startswith("The shop has one broken")
    titles = page.locator("#actions li.action .t").all_inner_texts()
    assert titles[0] == "Fix the broken link on the home page" and len(titles) == 3
    first = page.locator("#actions li.action").first
    assert first.locator("a").count() == 1  # the javascript: URL stays text
    assert "javascript:alert(1)" in first.inner_text()
    assert page.locator("#quick-wins li").count() == 1


def test_hostile_text_is_shown_not_run(report_page: Page) -> None:
    page = report_page
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#site-name").inner_text() == "Acme <b>Shop</b>"
    assert page.locator("#site-name b").count() == 0
    assert HOSTILE in page.locator("#actions li.action .t").nth(1).inner_text()
    row = page.locator("#issue-table tbody tr", has_text="duplicate_title")
    assert f"Title {HOSTILE} is duplicated." in row.inner_text()
    assert page.locator("main img").count() == 0


def test_sorting_by_clicking_headers(report_page: Page) -> None:
    page = report_page
    assert visible_ids(page) == ["1", "2", "3", "4", "7", "8", "9", "10", "6", "5"]
    id_header = page.locator("#issue-table thead th").nth(0)
    id_header.click()
    assert visible_ids(page) == [str(n) for n in range(1, 11)]
    assert id_header.get_attribute("aria-sort") == "ascending"
    id_header.click()
    assert visible_ids(page) == [str(n) for n in range(10, 0, -1)]
    page.locator("#issue-table thead th", has_text="Rule").click()
    rules = page.locator("#issue-table tbody tr td:nth-child(4)").all_inner_texts()
    assert rules == sorted(rules) and rules[0] == "broken_internal_link"
    page.locator("#issue-table thead th", has_text="Severity").click()
    severities = page.locator("#issue-table tbody tr td:nth-child(2)").all_inner_texts()
    assert severities[0] == "critical" and severities[-1] == "low"


def test_filtering_by_text_severity_and_change(report_page: Page) -> None:
    page = report_page
    page.locator("#issue-filter").fill("/g")
    assert visible_ids(page) == ["7", "8", "9", "10"]
    assert page.locator("#visible-count").inner_text() == "4"
    page.locator("#issue-filter").fill("IMAGE_ALT")
    assert visible_ids(page) == ["7", "8", "9"]
    page.locator("#issue-filter").fill("")
    page.locator("#severity-filter").select_option("high")
    assert visible_ids(page) == ["2", "3"]
    page.locator("#change-filter").select_option("regressed")
    assert visible_ids(page) == ["3"]
    page.locator("#severity-filter").select_option("")
    page.locator("#change-filter").select_option("resolved")
    assert visible_ids(page) == ["5"]
    page.locator("#issue-filter").fill("no such thing")
    assert visible_ids(page) == [] and page.locator("#visible-count").inner_text() == "0"
