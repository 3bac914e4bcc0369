"""Crawls whose process dies are reaped: kill -9 mid-crawl, a finished Dagster run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import Engine, select

from seology_pipeline.crawl.records import PageRecord, SiteFacts
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import AuditLog, Crawl, CrawlStatus, utcnow
from seology_pipeline.defs.reaper import dead_crawls
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.runs.crawl_run import SnapshotWriter, plan_crawl
from seology_pipeline.runs.reaper import reap_dead_crawls
from seology_pipeline.runs.site_lease import CrawlLostError
from seology_pipeline_tests.factories import add_customer
from seology_pipeline_tests.reliability.crawls import (
    crawl_once,
    crawl_rows,
    crawls_used,
    running_pages,
    slow_site,
)
from seology_pipeline_tests.sites import serve_site

PROJECT = Path(__file__).resolve().parents[2]


def test_a_crawl_killed_with_sigkill_is_reaped_by_the_next_crawl_of_its_site(
    app_engine: Engine,
) -> None:
    with serve_site(slow_site(40, 0.25)) as site:
        add_customer(app_engine, site.url + "/", max_pages=100)
        first = crawl_once(app_engine, "site-1", max_pages=3)
        url = app_engine.url.render_as_string(hide_password=False)
        child = subprocess.Popen(
            [sys.executable, "-m", "seology_pipeline_tests.reliability.crawls", url, "site-1", "r"],
            cwd=PROJECT,
            env={**os.environ, "PYTHONPATH": str(PROJECT)},
        )
        try:
            deadline = time.monotonic() + 60
            while running_pages(app_engine) < 3:
                assert child.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        orphan = crawl_rows(app_engine, "site-1")[-1]
        assert orphan[1] == CrawlStatus.RUNNING and orphan[4] >= 3  # what kill -9 leaves
        assert crawls_used(app_engine) == 2

        # The next crawl of the site, once the heartbeat is stale, reaps it and runs.
        time.sleep(1.2)
        third = crawl_once(app_engine, "site-1", max_pages=3, stale_after=timedelta(seconds=1))

    rows = crawl_rows(app_engine, "site-1")
    assert [r[1] for r in rows] == [
        CrawlStatus.COMPLETED,
        CrawlStatus.FAILED,
        CrawlStatus.COMPLETED,
    ]
    assert [r[0] for r in rows] == [first.crawl_id, orphan[0], third.crawl_id]
    assert rows[1][2:] == (0, False, 0)  # no orphan page left
    assert rows[2][2:] == (3, True, 3)
    assert crawls_used(app_engine) == 2  # the dead crawl's reservation was handed back
    with session_scope(app_engine) as session:
        crawl = session.get_one(Crawl, orphan[0])
        assert crawl.error.startswith("reaped: no heartbeat since")
        reaped = session.scalars(select(AuditLog).where(AuditLog.action == "crawl.reaped")).one()
        assert reaped.details["crawl_id"] == orphan[0]


def test_the_sensor_reaps_a_crawl_whose_dagster_run_has_ended(app_engine: Engine) -> None:
    add_customer(app_engine, "https://shop.example/")

    @dg.op
    def noop() -> None:
        return None

    @dg.job
    def ended() -> None:
        noop()

    with dg.instance_for_test() as instance:
        run_id = ended.execute_in_process(instance=instance).run_id
        for crawl_run_id in (run_id, "not-a-dagster-run"):
            with session_scope(app_engine) as session:
                plan = plan_crawl(session, "site-1", max_pages=5, user_id=None, month="2026-12")
            SnapshotWriter(app_engine, plan, run_id=crawl_run_id).start(utcnow())
            resources = {"database": DatabaseResource(url=app_engine.url.render_as_string(False))}
            with dg.build_sensor_context(instance=instance, resources=resources) as context:
                result = dead_crawls(context)
            if crawl_run_id == run_id:
                assert result.skip_message == "reaped 1 dead crawl(s)"
            else:  # a live heartbeat and a run Dagster does not know: left alone
                assert result.skip_message == "reaped 0 dead crawl(s)"

    rows = crawl_rows(app_engine, "site-1")
    assert [r[1] for r in rows] == [CrawlStatus.FAILED, CrawlStatus.RUNNING]
    with session_scope(app_engine) as session:
        assert f"its run {run_id} is no longer running" in session.get_one(Crawl, rows[0][0]).error
    # The heartbeat bound catches it later.
    later = reap_dead_crawls(
        app_engine, now=utcnow() + timedelta(hours=1), stale_after=timedelta(minutes=10)
    )
    assert [c.crawl_id for c in later] == [rows[1][0]]
    assert crawls_used(app_engine) == 0


def test_a_crawl_reaped_while_still_writing_stops_and_swaps_nothing(app_engine: Engine) -> None:
    add_customer(app_engine, "https://shop.example/")
    with session_scope(app_engine) as session:
        plan = plan_crawl(session, "site-1", max_pages=5, user_id=None, month="2026-12")
    writer = SnapshotWriter(app_engine, plan, run_id="slow-run", batch_size=1)
    writer.start(utcnow())
    reaped = reap_dead_crawls(
        app_engine, now=utcnow() + timedelta(hours=2), stale_after=timedelta(minutes=10)
    )
    assert len(reaped) == 1
    with pytest.raises(CrawlLostError, match="lost its site's lease: reaped: no heartbeat"):
        writer.add(PageRecord(url="https://shop.example/", depth=0, status=200))
    with pytest.raises(CrawlLostError):
        writer.complete(SiteFacts(root_url=plan.root_url), month="2026-12", now=utcnow())
    writer.fail("CrawlLostError", now=utcnow())  # nothing left to undo
    assert crawl_rows(app_engine, "site-1") == [(writer.crawl_id, CrawlStatus.FAILED, 0, False, 0)]
    assert crawls_used(app_engine) == 0
