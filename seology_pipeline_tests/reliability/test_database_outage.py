"""The database stops mid-crawl: the last snapshot stays, and the retry reaps the dead attempt."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.exc import OperationalError

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Crawl, CrawlStatus
from seology_pipeline.runs.crawl_run import current_crawl, load_page_records
from seology_pipeline_tests.databases import migrated_engine
from seology_pipeline_tests.factories import add_customer
from seology_pipeline_tests.reliability.crawls import (
    crawl_once,
    crawl_rows,
    crawls_used,
    running_pages,
    slow_site,
)
from seology_pipeline_tests.reliability.pg_cluster import throwaway_cluster
from seology_pipeline_tests.sites import serve_site


def test_a_database_outage_mid_crawl_loses_nothing_and_leaves_no_crawl_running() -> None:
    with (
        throwaway_cluster() as cluster,
        migrated_engine(cluster.url) as engine,
        serve_site(slow_site(30, 0.2)) as site,
    ):
        add_customer(engine, site.url + "/", max_pages=100)
        first = crawl_once(engine, "site-1", max_pages=4)

        with ThreadPoolExecutor(1) as pool:
            attempt = pool.submit(crawl_once, engine, "site-1", run_id="run-1", batch_size=1)
            deadline = time.monotonic() + 60
            while running_pages(engine) < 3:
                assert not attempt.done() and time.monotonic() < deadline
                time.sleep(0.1)
            cluster.stop()
            with pytest.raises(OperationalError):  # and its failure handler could not write
                attempt.result(timeout=60)
        cluster.start()

        rows = crawl_rows(engine, "site-1")
        assert rows[-1][1] == CrawlStatus.RUNNING  # what the outage left behind
        with session_scope(engine) as session:
            assert current_crawl(session, "site-1").id == first.crawl_id
            assert len(load_page_records(session, first.crawl_id)) == 4

        # The run's retry reaps its dead attempt at once and crawls.
        retry = crawl_once(engine, "site-1", run_id="run-1", max_pages=4)
        rows = crawl_rows(engine, "site-1")
        assert [r[1] for r in rows] == [
            CrawlStatus.COMPLETED,
            CrawlStatus.FAILED,
            CrawlStatus.COMPLETED,
        ]
        assert rows[1][2:] == (0, False, 0) and rows[2][2:] == (4, True, 4)
        assert rows[2][0] == retry.crawl_id
        assert crawls_used(engine) == 2
        with session_scope(engine) as session:
            error = session.get_one(Crawl, rows[1][0]).error
        assert error == "reaped: its run run-1 is no longer running"
