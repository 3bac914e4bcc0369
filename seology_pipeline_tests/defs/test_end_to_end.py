"""End to end with real processes as docs/deploy.md runs them: a code server, the webserver and the
daemon on a PostgreSQL instance (the production ``dagster.yaml``), the app database on PostgreSQL, a
site served on 127.0.0.1. Inserting a site connection is the only action; the sensor, the crawl and
the automated analysis do the rest."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
from sqlalchemy import Engine, func, select

from seology_pipeline.cli.instance_cmds import open_instance_at
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Conversation, Crawl, Page, SeoIssue
from seology_pipeline.instance import PRODUCTION_CONFIG
from seology_pipeline_tests.dagster_processes import DagsterStack, dagster_stack
from seology_pipeline_tests.databases import (
    dagster_pg_env,
    migrated_engine,
    temporary_pg_database,
)
from seology_pipeline_tests.factories import BOOKSHOP, add_customer
from seology_pipeline_tests.sites import serve_site

TIMEOUT_S = 300


def _wait_for(what: str, check: Callable[[], bool], stack: DagsterStack, deadline: float) -> None:
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(2)
    raise AssertionError(f"timed out waiting for {what}\n{stack.logs()}")


def _analysis_stored(engine: Engine, site_id: str) -> bool:
    with session_scope(engine) as session:
        return bool(session.scalar(select(func.count()).where(Conversation.site_id == site_id)))


def test_a_new_connection_is_crawled_audited_and_analysed_by_itself(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PRODUCTION_CONFIG, home / "dagster.yaml")
    with (
        temporary_pg_database("dagster_e2e") as dagster_db,
        temporary_pg_database("app_e2e") as app_db,
        migrated_engine(app_db) as engine,
        serve_site(BOOKSHOP) as site,
    ):
        pg_env = dagster_pg_env(dagster_db)
        env = {
            **os.environ,
            **pg_env,
            "DAGSTER_HOME": str(home),
            "SEOLOGY_DATABASE_URL": app_db,
            "SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST": "127.0.0.1",
            "SEOLOGY_ANALYSIS_MODE": "offline",
        }
        os.environ.update(pg_env)
        try:
            with (
                open_instance_at(home) as instance,
                dagster_stack(env, tmp_path / "logs", code_server=True) as stack,
            ):
                started = time.monotonic()
                deadline = started + TIMEOUT_S
                site_id = add_customer(engine, f"{site.url}/", site_id="riverside")

                _wait_for(
                    "the partition",
                    lambda: instance.has_dynamic_partition("sites", site_id),
                    stack,
                    deadline,
                )
                _wait_for(
                    "the analysis", lambda: _analysis_stored(engine, site_id), stack, deadline
                )
                elapsed = time.monotonic() - started
                by_site = dg.RunsFilter(tags={"dagster/partition": site_id})
                _wait_for(
                    "the run's end",
                    lambda: all(r.is_finished for r in instance.get_runs(by_site)),
                    stack,
                    deadline,
                )
                # Automation ticks (every 30 s): a new site needs no second run.
                time.sleep(40)
                runs = instance.get_runs(by_site)
                # One run crawls, audits and analyses a new site: no automation hop.
                assert [(r.job_name, r.status) for r in runs] == [
                    ("first_crawl", dg.DagsterRunStatus.SUCCESS)
                ], stack.logs()
                crawl_runs = runs
                assert crawl_runs[0].tags["seology/trigger"] == "new_site"
                analysis = instance.get_latest_materialization_event(dg.AssetKey("site_analysis"))
                assert analysis is not None and analysis.dagster_event.partition == site_id
                assert analysis.run_id == crawl_runs[0].run_id
        finally:
            for name in pg_env:
                os.environ.pop(name, None)

        with session_scope(engine) as session:
            crawl = session.scalars(select(Crawl).where(Crawl.site_id == site_id)).one()
            assert crawl.is_current and crawl.run_id == crawl_runs[0].run_id
            pages = set(session.scalars(select(Page.url).where(Page.crawl_id == crawl.id)))
            assert pages == {f"{site.url}{path}" for path in ("/", "/shop", "/about", "/gone")}
            rules = set(session.scalars(select(SeoIssue.rule_code)))
            assert {"broken_internal_link", "title_missing"} & rules, rules
            conversation = session.scalars(select(Conversation)).one()
            assert conversation.crawl_id == crawl.id and conversation.analyst == "offline"
        assert elapsed < TIMEOUT_S
