"""Crawl progress as ``seology crawl`` shows it, read from the app database while a crawl runs:
a tqdm bar with rate and ETA on a terminal, plain lines on a pipe."""

from __future__ import annotations

import io
import sys
import time

import pytest
from sqlalchemy import Engine, update

from seology_pipeline.cli import progress
from seology_pipeline.cli.progress import crawl_progress
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Crawl, CrawlStatus, utcnow
from seology_pipeline_tests.databases import app_engine  # noqa: F401  (fixture)
from seology_pipeline_tests.factories import add_customer


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _crawl_in_steps(engine: Engine) -> None:
    """A crawl of 20 pages at most that reaches 5, then 10 pages and ends with 12."""
    with session_scope(engine) as session:
        crawl = Crawl(site_id="site-1", status=CrawlStatus.RUNNING, max_pages=20)
        session.add(crawl)
        session.flush()
        crawl_id = crawl.id
    for done in (5, 10):
        time.sleep(0.3)
        with session_scope(engine) as session:
            session.execute(update(Crawl).where(Crawl.id == crawl_id).values(pages_crawled=done))
    time.sleep(0.3)
    with session_scope(engine) as session:
        session.execute(
            update(Crawl)
            .where(Crawl.id == crawl_id)
            .values(status=CrawlStatus.COMPLETED, pages_crawled=12, finished_at=utcnow())
        )


@pytest.fixture(autouse=True)
def fast_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "POLL_S", 0.05)
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)


def test_plain_lines_without_a_tty(app_engine: Engine, capsys: pytest.CaptureFixture) -> None:  # noqa: F811
    add_customer(app_engine, "https://example.com/")
    with crawl_progress(app_engine, "site-1"):
        _crawl_in_steps(app_engine)
    lines = capsys.readouterr().err.splitlines()
    assert "\r" not in "".join(lines)
    assert any(line.startswith("crawling: 5 / 20 pages, ") for line in lines), lines
    assert any(
        line.startswith("crawling: 10 / 20 pages, ") and "pages/s, ETA at most" in line
        for line in lines
    ), lines
    assert lines[-1].startswith("crawled 12 pages in "), lines


def test_a_bar_with_rate_and_eta_on_a_terminal(
    app_engine: Engine,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_customer(app_engine, "https://example.com/")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with crawl_progress(app_engine, "site-1"):
        _crawl_in_steps(app_engine)
    shown = terminal.getvalue()
    assert "\r" in shown and "crawling:" in shown
    assert "10/20 [" in shown and "page/s]" in shown  # count, elapsed<ETA, rate
    assert "12/12 [" in shown  # a crawl that ends below its limit ends the bar full


def test_no_output_when_no_crawl_runs(app_engine: Engine, capsys: pytest.CaptureFixture) -> None:  # noqa: F811
    add_customer(app_engine, "https://example.com/")
    with crawl_progress(app_engine, "site-1"):
        time.sleep(0.2)
    assert capsys.readouterr().err == ""


def test_a_crawl_faster_than_a_poll_still_ends_with_its_count(
    app_engine: Engine,  # noqa: F811
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_customer(app_engine, "https://example.com/")
    monkeypatch.setattr(progress, "POLL_S", 60.0)
    with crawl_progress(app_engine, "site-1"), session_scope(app_engine) as session:
        session.add_all(
            [
                Crawl(site_id="site-1", status=CrawlStatus.FAILED, max_pages=20),
                Crawl(
                    site_id="site-1",
                    status=CrawlStatus.COMPLETED,
                    max_pages=20,
                    pages_crawled=1,
                    finished_at=utcnow(),
                ),
            ]
        )
    assert capsys.readouterr().err.startswith("crawled 1 page in ")


def test_a_failed_crawl_ends_without_a_count(
    app_engine: Engine,  # noqa: F811
    capsys: pytest.CaptureFixture,
) -> None:
    add_customer(app_engine, "https://example.com/")
    with crawl_progress(app_engine, "site-1"), session_scope(app_engine) as session:
        session.add(Crawl(site_id="site-1", status=CrawlStatus.FAILED, max_pages=20))
    assert capsys.readouterr().err == ""


def test_the_count_shows_when_the_crawl_ends_while_the_run_goes_on(
    app_engine: Engine,  # noqa: F811
    capsys: pytest.CaptureFixture,
) -> None:
    add_customer(app_engine, "https://example.com/")
    with crawl_progress(app_engine, "site-1"):
        _crawl_in_steps(app_engine)
        time.sleep(0.5)  # the run's analysis step
        lines = capsys.readouterr().err.splitlines()
    assert lines[-1].startswith("crawled 12 pages in "), lines
    assert capsys.readouterr().err == ""
