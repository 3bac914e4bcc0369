"""Concurrent crawls, replayed on SQLite and PostgreSQL: one writer per site, quotas that hold."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, insert, select

from seology_pipeline.accounts import (
    QuotaExceededError,
    month_key,
    release_analysis,
    reserve_analysis,
)
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    Crawl,
    CrawlStatus,
    Plan,
    SiteConnection,
    UsageRecord,
)
from seology_pipeline.runs.crawl_run import CrawlRefusedError
from seology_pipeline_tests.factories import add_customer
from seology_pipeline_tests.reliability.crawls import (
    crawl_once,
    crawl_rows,
    crawls_used,
    slow_site,
)
from seology_pipeline_tests.sites import serve_site


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def running(engine: Engine, site_id: str = "site-1") -> bool:
    with session_scope(engine) as session:
        return (
            session.scalar(
                select(Crawl.id).where(Crawl.site_id == site_id, Crawl.status == "running")
            )
            is not None
        )


def test_a_second_crawl_of_a_site_is_refused_while_the_first_runs_and_nothing_is_lost(
    app_engine: Engine,
) -> None:
    with serve_site(slow_site(12, 0.15)) as site:
        add_customer(app_engine, site.url + "/", max_pages=100)
        first = crawl_once(app_engine, "site-1")  # the previous snapshot
        with ThreadPoolExecutor(1) as pool:
            long = pool.submit(crawl_once, app_engine, "site-1", batch_size=2)
            wait_for(lambda: running(app_engine))
            with pytest.raises(CrawlRefusedError, match=r"already being crawled \(crawl \d+"):
                crawl_once(app_engine, "site-1", max_pages=3)
            second = long.result(timeout=60)

    rows = crawl_rows(app_engine, "site-1")
    assert [r[0] for r in rows] == [first.crawl_id, second.crawl_id]  # the refusal wrote none
    # The current crawl holds every page it claims; the superseded one was emptied.
    assert rows[1] == (second.crawl_id, CrawlStatus.COMPLETED, 13, True, 13)
    assert rows[0] == (first.crawl_id, CrawlStatus.COMPLETED, 13, False, 0)
    assert crawls_used(app_engine) == 2  # the refused crawl was not counted


def test_simultaneous_crawls_of_one_site_let_exactly_one_write(app_engine: Engine) -> None:
    with serve_site(slow_site(4, 0.05)) as site:
        add_customer(app_engine, site.url + "/", max_pages=100)
        barrier = threading.Barrier(5)

        def attempt(_n: int) -> str:
            barrier.wait()
            try:
                crawl_once(app_engine, "site-1")
            except CrawlRefusedError as exc:
                assert "already being crawled" in str(exc)
                return "refused"
            return "done"

        with ThreadPoolExecutor(5) as pool:
            results = list(pool.map(attempt, range(5)))
    rows = crawl_rows(app_engine, "site-1")
    done = results.count("done")
    assert done >= 1 and done + results.count("refused") == 5
    # Each crawl that ran did so alone: every completed crawl wrote its 5 pages, only the
    # last one still holds them, and no row is left running.
    assert [r[1] for r in rows] == [CrawlStatus.COMPLETED] * done
    assert [(r[2], r[3], r[4]) for r in rows] == [(5, False, 0)] * (done - 1) + [(5, True, 5)]
    assert crawls_used(app_engine) == done


QUOTA = 3


def plan_of(engine: Engine, crawls: int, analyses: int) -> None:
    with session_scope(engine) as session:
        session.execute(
            insert(Plan).values(
                code="tiny",
                name="Tiny",
                crawls_per_month=crawls,
                pages_per_crawl=50,
                analyses_per_month=analyses,
            )
        )


def test_n_plus_5_concurrent_crawls_on_a_plan_of_n_exactly_n_succeed(app_engine: Engine) -> None:
    plan_of(app_engine, crawls=QUOTA, analyses=QUOTA)
    with serve_site(slow_site(3, 0.05)) as site:
        add_customer(app_engine, site.url + "/", plan="tiny", site_id="site-0")
        with session_scope(app_engine) as session:
            for n in range(1, QUOTA + 5):
                session.add(
                    SiteConnection(
                        id=f"site-{n}", user_id="user-1", root_url=site.url + "/", name=f"S{n}"
                    )
                )
        barrier = threading.Barrier(QUOTA + 5)

        def attempt(n: int) -> str:
            barrier.wait()
            try:
                crawl_once(app_engine, f"site-{n}")
            except CrawlRefusedError as exc:
                assert "allows 3 crawls a month" in str(exc)
                return "refused"
            return "done"

        with ThreadPoolExecutor(QUOTA + 5) as pool:
            results = list(pool.map(attempt, range(QUOTA + 5)))

    assert results.count("done") == QUOTA and results.count("refused") == 5
    assert crawls_used(app_engine) == QUOTA
    with session_scope(app_engine) as session:
        statuses = list(session.scalars(select(Crawl.status)))
    assert statuses == [CrawlStatus.COMPLETED] * QUOTA


def test_n_plus_5_concurrent_analyses_on_a_plan_of_n_exactly_n_are_reserved(
    app_engine: Engine,
) -> None:
    plan_of(app_engine, crawls=QUOTA, analyses=QUOTA)
    add_customer(app_engine, "https://shop.example/", plan="tiny")
    month = month_key()
    barrier = threading.Barrier(QUOTA + 5)

    def attempt(_n: int) -> bool:
        barrier.wait()
        try:
            reserve_analysis(app_engine, "user-1", month)
        except QuotaExceededError as exc:
            assert "allows 3 analyses a month" in str(exc)
            return False
        return True

    with ThreadPoolExecutor(QUOTA + 5) as pool:
        assert sum(pool.map(attempt, range(QUOTA + 5))) == QUOTA
    release_analysis(app_engine, "user-1", month)  # one analysis failed: handed back
    with session_scope(app_engine) as session:
        assert session.scalars(select(UsageRecord.analyses)).one() == QUOTA - 1
    reserve_analysis(app_engine, "user-1", month)
    with pytest.raises(QuotaExceededError):
        reserve_analysis(app_engine, "user-1", month)
