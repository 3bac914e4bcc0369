"""Cancelling a running crawl on a real deployment: ``dagster-webserver`` + ``dagster-daemon`` on a
PostgreSQL instance (the production ``dagster.yaml``), the app database on PostgreSQL, the job
inserted and canceled with plain SQL as the web app does."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg
from psycopg.rows import dict_row
from sqlalchemy import select

from seology_pipeline.cli.instance_cmds import open_instance_at
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Crawl, CrawlStatus
from seology_pipeline.instance import PRODUCTION_CONFIG
from seology_pipeline.names import SITES_PARTITIONS
from seology_pipeline_tests.dagster_processes import DagsterStack, dagster_stack
from seology_pipeline_tests.databases import dagster_pg_env, migrated_engine, temporary_pg_database
from seology_pipeline_tests.factories import add_customer
from seology_pipeline_tests.slow_site import PAGES, seed_snapshot, serve_slow_site, site_state

TIMEOUT_S = 300
CONCURRENCY = 2  # the slow crawl would take PAGES * PAGE_DELAY_S / CONCURRENCY = 120 s
CANCELED_WITHIN_S = 60
"""From the row's UPDATE to the run's end: a sensor tick (up to ~10 s on two busy cores), the
termination request, the crawl's stop and the run worker's exit."""


def _row(db_url: str, job_id: str) -> dict[str, Any]:
    with psycopg.connect(db_url, row_factory=dict_row) as connection:
        return connection.execute("SELECT * FROM jobs WHERE id = %s", (job_id,)).fetchone()


def _status(db_url: str, job_id: str) -> str:
    return _row(db_url, job_id)["status"]


def _until(what: str, check: Any, stack: DagsterStack, timeout: float = TIMEOUT_S) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what} not seen in {timeout} s\n{stack.logs()}")


def test_canceling_a_running_crawl_cancels_its_run_and_keeps_the_snapshot(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PRODUCTION_CONFIG, home / "dagster.yaml")
    with (
        temporary_pg_database("dagster_cancel") as dagster_db,
        temporary_pg_database("app_cancel") as app_db,
        migrated_engine(app_db) as engine,
        serve_slow_site() as site,
    ):
        add_customer(engine, f"{site.url}/", site_id="slow")
        seed_snapshot(engine, "slow", "user-1")
        before = site_state(engine, "slow")
        assert before["current"] and before["issues"] and not before["running"]
        site.slow.set()
        pg_env = dagster_pg_env(dagster_db)
        env = {
            **os.environ,
            **pg_env,
            "DAGSTER_HOME": str(home),
            "SEOLOGY_DATABASE_URL": app_db,
            "SEOLOGY_DATA_DIR": str(tmp_path),
            "SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST": "127.0.0.1",
            "SEOLOGY_CRAWL_CONCURRENCY": str(CONCURRENCY),
            "SEOLOGY_ANALYSIS_MODE": "offline",
        }
        os.environ.update(pg_env)
        try:
            with open_instance_at(home) as instance:
                # Already registered: the new-connection sensor launches no first crawl.
                instance.add_dynamic_partitions(SITES_PARTITIONS, ["slow"])
                with dagster_stack(env, tmp_path / "logs") as stack:
                    with psycopg.connect(app_db, autocommit=True) as connection:
                        job_id = connection.execute(
                            "INSERT INTO jobs (type, payload) VALUES (%s, %s) RETURNING id",
                            ("CRAWL_SITE", json.dumps({"siteId": "slow", "maxPages": PAGES + 1})),
                        ).fetchone()[0]
                    _until(
                        "PROCESSING", lambda: _row(app_db, job_id)["status"] == "PROCESSING", stack
                    )
                    _until("pages in flight", lambda: len(site.page_requests) >= CONCURRENCY, stack)
                    with psycopg.connect(app_db, autocommit=True) as connection:
                        canceled = connection.execute(
                            "UPDATE jobs SET status = 'CANCELED', completed_at = now()"
                            " WHERE id = %s AND status IN ('PENDING', 'PROCESSING')",
                            (job_id,),
                        ).rowcount
                    assert canceled == 1
                    asked = time.monotonic()
                    run_id = _row(app_db, job_id)["run_id"]
                    run = _until(
                        "the run's end",
                        lambda: (r := instance.get_run_by_id(run_id)) and r.is_finished and r,
                        stack,
                    )
                    took = time.monotonic() - asked
                    restarts = instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_RESTARTED)
                    logs = stack.logs()
        finally:
            for name in pg_env:
                os.environ.pop(name, None)
        assert run.status == dg.DagsterRunStatus.CANCELED, logs
        assert took < CANCELED_WITHIN_S, (took, logs)
        assert not restarts  # a canceled run's step is not tried again
        assert len(site.page_requests) < PAGES  # the crawl stopped well before its end
        row = _row(app_db, job_id)
        assert row["status"] == "CANCELED" and row["completed_at"] is not None
        assert site_state(engine, "slow") == before  # snapshot current, issues untouched, no lease
        with session_scope(engine) as session:
            crawl = session.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
            assert crawl.status == CrawlStatus.FAILED and not crawl.is_current, crawl.error
