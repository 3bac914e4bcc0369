"""Report data, row formats and errors, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from sqlalchemy import Engine

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Crawl, CrawlStatus, IssueStatus, Page, SeoIssue
from seology_pipeline.report import (
    ReportError,
    format_rows,
    load_report,
    render_html_report,
    report_rows,
)
from seology_pipeline.report.urls import crawl_export
from seology_pipeline_tests.databases import app_engine  # noqa: F401 (fixture)
from seology_pipeline_tests.report.conftest import HOSTILE, SITE_ID, populate


def test_rows_of_the_current_crawl(app_engine: Engine) -> None:  # noqa: F811
    populate(app_engine)
    with session_scope(app_engine) as session:
        rows = report_rows(session, SITE_ID)
    assert [r["id"] for r in rows] == [1, 2, 3, 4, 7, 8, 9, 10, 6, 5]
    assert [r["severity"] for r in rows[:4]] == ["critical", "high", "high", "medium"]
    assert rows[-1] == {
        "id": 5,
        "severity": "medium",
        "category": "content",
        "rule": "thin_content",
        "url": "https://shop.example/e",
        "message": "thin_content on /e",
        "change": "resolved",
        "status": "resolved",
        "first_seen_crawl_id": 1,
        "last_seen_crawl_id": 1,
        "last_seen_at": rows[-1]["last_seen_at"],
    }
    assert len(rows[-1]["last_seen_at"]) == 10  # an ISO date
    assert {r["change"] for r in rows} == {"new", "persisting", "regressed", "resolved"}


def test_rows_of_an_older_crawl(app_engine: Engine) -> None:  # noqa: F811
    populate(app_engine)
    with session_scope(app_engine) as session:
        rows = report_rows(session, SITE_ID, crawl_id=1)
    assert {r["id"]: r["change"] for r in rows} == {1: "new", 3: "new", 5: "resolved", 6: "new"}


def test_loaded_report(report_engine: Engine) -> None:
    with session_scope(report_engine) as session:
        data = load_report(session, SITE_ID)
        assert data.crawl.id == 2 and data.previous is not None and data.previous.id == 1
        assert data.by_severity == {"critical": 1, "high": 2, "medium": 1, "low": 4}
        assert data.by_category == {"images": 3, "metadata": 2, "links": 2, "structured_data": 1}
        assert data.diff.as_dict() == {"new": 6, "persisting": 2, "resolved": 1, "regressed": 1}
        assert data.health_score == 71.0 and data.previous_health_score == 62.0
        assert data.analysis is not None and data.analysis.analyst == "claude"
        assert [a.issue_ids for a in data.analysis.actions] == [[1], [2, 4], [3]]
        first = load_report(session, SITE_ID, crawl_id=1)
        assert first.previous is None and first.analysis.summary == "first crawl analysis"


def test_stored_diff_wins_over_the_computed_one(report_engine: Engine) -> None:
    stored = {"new": 7, "persisting": 1, "resolved": 3, "regressed": 0}
    with session_scope(report_engine) as session:
        session.get(Crawl, 2).summary = {"health_score": 71.0, "diff": stored}
    with session_scope(report_engine) as session:
        assert load_report(session, SITE_ID).diff.as_dict() == stored


def test_errors_name_the_problem(report_engine: Engine) -> None:
    with session_scope(report_engine) as session:
        with pytest.raises(ReportError, match="site 'nope' does not exist"):
            report_rows(session, "nope")
        with pytest.raises(ReportError, match="'site-empty' has not been crawled yet"):
            render_html_report(session, "site-empty")
        with pytest.raises(ReportError, match="crawl 1 does not exist for site 'site-empty'"):
            report_rows(session, "site-empty", crawl_id=1)
        with pytest.raises(ReportError, match="crawl 99 does not exist"):
            report_rows(session, SITE_ID, crawl_id=99)


def test_formats(report_engine: Engine) -> None:
    with session_scope(report_engine) as session:
        rows = report_rows(session, SITE_ID)
    assert json.loads(format_rows(rows, "json")) == rows
    frame = pd.read_csv(io.StringIO(format_rows(rows, "csv")))
    assert list(frame["id"]) == [r["id"] for r in rows]
    assert frame.loc[frame["id"] == 4, "message"].item() == f"Title {HOSTILE} is duplicated."
    table = format_rows(rows, "table").splitlines()
    assert table[0].split() == ["id", "severity", "category", "rule", "change", "url", "message"]
    assert len(table) == len(rows) + 2
    assert table[2].split()[:5] == ["1", "critical", "links", "broken_internal_link", "persisting"]
    assert all(len(line) < 260 for line in table)
    assert format_rows([], "table") == "No issues."
    assert format_rows([], "csv").startswith("id,severity")
    with pytest.raises(ValueError, match="use table, json or csv"):
        format_rows(rows, "xml")  # type: ignore[arg-type]


def test_html_escapes_everything_from_the_site(report_engine: Engine) -> None:
    with session_scope(report_engine) as session:
        html = render_html_report(session, SITE_ID)
    assert "<script>window.__pwned" not in html
    assert "onerror=" not in html.replace("onerror=&#34;", "")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "Acme &lt;b&gt;Shop&lt;/b&gt;" in html
    assert 'href="javascript:' not in html
    assert html.count("<script>") == 1  # ours, at the end
    assert "src=" not in html.split("<body>")[1].replace("src=x", "")  # nothing to fetch


def test_issues_not_re_checked_are_listed_with_their_last_seen_date(
    report_engine: Engine,
) -> None:
    with session_scope(report_engine) as session:
        thin = session.get(SeoIssue, 5)  # last seen in crawl 1; crawl 2 did not reach /e
        thin.status, thin.change = IssueStatus.OPEN, "persisting"
    with session_scope(report_engine) as session:
        data = load_report(session, SITE_ID)
        rows = report_rows(session, SITE_ID)
        table = format_rows(rows, "table")
    [stale] = [r for r in rows if r["change"] == "not re-checked"]
    assert stale["id"] == 5 and stale["last_seen_crawl_id"] == 1 and stale["last_seen_at"]
    assert [i.id for i in data.not_rechecked] == [5] and not data.resolved
    assert data.by_severity["medium"] == 2  # still open, still counted
    assert "not re-checked" in table


def test_a_crawl_never_audited_has_no_report(report_engine: Engine) -> None:
    with session_scope(report_engine) as session:
        crawl = session.get(Crawl, 2)
        crawl.summary, crawl.health_score = {}, None
        session.get(Crawl, 1).status = CrawlStatus.FAILED
        session.get(Crawl, 1).error = "SiteUnreachableError: site unreachable"
    with session_scope(report_engine) as session:
        for fmt in ("table", "json"):
            with pytest.raises(ReportError, match="crawl 2 of site 'site-acme' is not audited"):
                format_rows(report_rows(session, SITE_ID), fmt)
        with pytest.raises(ReportError, match=r"crawl 1 .* is failed \(SiteUnreachableError"):
            render_html_report(session, SITE_ID, crawl_id=1)


def test_a_crawl_cut_short_says_so_in_html_and_json(report_engine: Engine) -> None:
    facts = {
        "root_url": "https://acme.example/",
        "pages_crawled": 45,
        "stopped_reason": "max_pages",
        "urls_left": {"max_pages": 12},
    }
    record = {
        "url": "https://acme.example/",
        "status": 200,
        "content_type": "text/html",
        "meta_robots": ["noindex"],
        "depth": 0,
    }
    with session_scope(report_engine) as session:
        session.get(Crawl, 2).site_facts = facts
        session.add(Page(crawl_id=2, site_id=SITE_ID, url=record["url"], record=record))
    with session_scope(report_engine) as session:
        html = render_html_report(session, SITE_ID)
        export = crawl_export(session, SITE_ID)
        rows = report_rows(session, SITE_ID)
    assert "max_pages left 12 URLs uncrawled" in html
    assert export["crawl"]["urls_left"] == {"max_pages": 12}
    assert export["crawl"]["stopped_reason"] == "max_pages"
    assert [(u["url"], u["indexability"], u["depth"]) for u in export["urls"]] == [
        ("https://acme.example/", "noindex", 0)
    ]
    assert export["issues"] == rows and rows


def test_html_shows_the_site_trend_up_to_the_reported_crawl(report_engine: Engine) -> None:
    with session_scope(report_engine) as session:
        current = HTMLParser(render_html_report(session, SITE_ID))
        older = HTMLParser(render_html_report(session, SITE_ID, crawl_id=1))
    rows = [[cell.text() for cell in row.css("td")] for row in current.css("#trend-table tbody tr")]
    # Newest first: crawl, finished, pages, health, issues, four severities, new, resolved.
    assert [row[:5] for row in rows] == [
        ["#2", "2026-02-05 09:01", "45", "71", "9"],
        ["#1", "2026-01-05 09:01", "40", "62", "5"],
    ]
    dots = current.css("#trend-chart circle")
    assert [dot.css_first("title").text() for dot in dots] == [
        "crawl #1, 2026-01-05 09:01: health 62, 5 issues",
        "crawl #2, 2026-02-05 09:01: health 71, 9 issues",
    ]
    assert float(dots[0].attributes["cy"]) > float(dots[1].attributes["cy"])  # 62 below 71
    # An older crawl's report stops at that crawl: one row, no chart of a single point.
    assert len(older.css("#trend-table tbody tr")) == 1 and older.css_first("#trend-chart") is None
