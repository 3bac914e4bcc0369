"""A crawl run canceled mid-crawl, in process on a real instance, against a slow site on
127.0.0.1: the crawl stops within seconds, unretried, the run ends CANCELED, and the site's
snapshot, issues and lease are as they were before the run."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import Engine, select

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Crawl, CrawlStatus
from seology_pipeline.defs.assets import crawled_pages
from seology_pipeline.defs.crawler import CrawlerResource
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.names import SITES_PARTITIONS
from seology_pipeline_tests.databases import migrated_engine, sqlite_url
from seology_pipeline_tests.factories import add_customer
from seology_pipeline_tests.slow_site import (
    PAGES,
    SlowSite,
    seed_snapshot,
    serve_slow_site,
    site_state,
)

CONCURRENCY = 2  # the whole slow crawl would take PAGES * PAGE_DELAY_S / CONCURRENCY = 120 s
STOPPED_WITHIN_S = 20
"""From the cancel request to the end of the run, on two busy cores (a few seconds when idle)."""


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with migrated_engine(sqlite_url(tmp_path)) as migrated:
        yield migrated


def _cancel_when_crawling(
    instance: dg.DagsterInstance, site: SlowSite, interrupt: bool, asked: list[float]
) -> None:
    """Do what Dagster's run launcher does to a running run: mark it CANCELING, then (the run
    worker's termination thread) send SIGINT to the process running the step."""
    while len(site.page_requests) < CONCURRENCY:
        time.sleep(0.1)
    [run] = instance.get_runs(limit=1)
    instance.report_run_canceling(run)
    asked.append(time.monotonic())
    if interrupt:
        os.kill(os.getpid(), signal.SIGINT)


@pytest.mark.parametrize("interrupt", [True, False], ids=["interrupted", "status-only"])
def test_a_run_canceled_mid_crawl_stops_and_leaves_the_site_as_it_was(
    engine: Engine, instance: dg.DagsterInstance, interrupt: bool
) -> None:
    with serve_slow_site() as site:
        add_customer(engine, f"{site.url}/")
        previous = seed_snapshot(engine, "site-1", "user-1")
        before = site_state(engine, "site-1")
        site.slow.set()
        instance.add_dynamic_partitions(SITES_PARTITIONS, ["site-1"])
        asked: list[float] = []
        canceller = threading.Thread(
            target=_cancel_when_crawling, args=(instance, site, interrupt, asked), daemon=True
        )
        canceller.start()
        result = dg.materialize(
            [crawled_pages],
            partition_key="site-1",
            instance=instance,
            resources={
                "database": DatabaseResource(url=engine.url.render_as_string(False)),
                "crawler": CrawlerResource(allow_private_networks=True, concurrency=CONCURRENCY),
            },
            run_config={"ops": {"crawled_pages": {"config": {"max_pages": PAGES + 1}}}},
            raise_on_error=False,
        )
        took = time.monotonic() - asked[0]
        requested = len(site.page_requests)
        site.slow.clear()

        assert instance.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.CANCELED
        assert took < STOPPED_WITHIN_S and requested < PAGES, (took, requested)
        types = {event.event_type for event in result.all_events}
        assert dg.DagsterEventType.STEP_UP_FOR_RETRY not in types
        assert dg.DagsterEventType.STEP_RESTARTED not in types
        assert dg.DagsterEventType.ASSET_MATERIALIZATION not in types
        assert site_state(engine, "site-1") == before  # snapshot, issues, no running crawl
        with session_scope(engine) as session:
            crawl = session.scalars(select(Crawl).where(Crawl.run_id == result.run_id)).one()
            assert crawl.status == CrawlStatus.FAILED and crawl.pages_crawled == 0
        assert seed_snapshot(engine, "site-1", "user-1") > previous  # the lease was given back
