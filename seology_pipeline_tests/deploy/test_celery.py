"""Runs as Celery tasks on real workers: webserver and daemon on a PostgreSQL instance with the
Celery run launcher (``seology instance init --celery``), a RabbitMQ vhost of this module's own,
the Redis result backend, ``seology worker`` processes, sites served on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import yaml
from celery import Celery
from dagster_celery.tags import DAGSTER_CELERY_RUN_PRIORITY_TAG, DAGSTER_CELERY_TASK_ID_TAG
from dagster_graphql import DagsterGraphQLClient
from sqlalchemy import Engine, select

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Crawl, Page, SeoIssue
from seology_pipeline.defs.assets import crawled_pages, seo_issues
from seology_pipeline.defs.crawler import CrawlerResource
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.deploy.celery_instance import write_celery_instance
from seology_pipeline.deploy.settings import BACKEND_SETTING, BROKER_SETTING
from seology_pipeline.instance import apply_pool_limits
from seology_pipeline.names import (
    CELERY_PRIORITY_TAG,
    CLEANUP_JOB,
    CODE_LOCATION,
    CRAWL_JOB,
    PARTITION_TAG,
    SITES_PARTITIONS,
    priority_tags,
)
from seology_pipeline.queue import REPOSITORY_NAME
from seology_pipeline_tests.dagster_processes import DagsterStack, dagster_stack
from seology_pipeline_tests.databases import (
    dagster_pg_env,
    migrated_engine,
    sqlite_url,
    temporary_pg_database,
)
from seology_pipeline_tests.deploy.celery_workers import Worker, celery_worker, rabbitmq_vhost
from seology_pipeline_tests.factories import BOOKSHOP, add_customer
from seology_pipeline_tests.sites import Response, page, serve_site

TIMEOUT_S = 120
BACKEND_URL = "redis://127.0.0.1:6379/0"
DONE = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}


@dataclass
class Deployment:
    stack: DagsterStack
    instance: dg.DagsterInstance
    engine: Engine
    env: dict[str, str]
    log_dir: Path
    workers: dict[str, tuple[Worker, contextlib.ExitStack]] = field(default_factory=dict)

    def worker(self, name: str) -> Worker:
        """The running worker ``name`` (concurrency 1), started if needed."""
        if name not in self.workers:
            stack = contextlib.ExitStack()
            self.workers[name] = (
                stack.enter_context(celery_worker(name, self.env, self.log_dir)),
                stack,
            )
        return self.workers[name][0]

    def stop_workers(self) -> None:
        while self.workers:
            _, stack = self.workers.pop(next(iter(self.workers)))
            stack.close()

    @property
    def celery(self) -> Celery:
        return self.instance.run_launcher.celery

    def graphql(self) -> DagsterGraphQLClient:
        host, port = self.stack.url.removeprefix("http://").split(":")
        return DagsterGraphQLClient(host, port_number=int(port))

    def wait_for(self, what: str, check: Callable[[], Any]) -> Any:
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.5)
        worker_logs = "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in self.log_dir.glob("worker-*.log")
        )
        raise AssertionError(f"timed out waiting for {what}\n{self.stack.logs()}\n{worker_logs}")

    def site_runs(self, site_id: str) -> list[dg.DagsterRun]:
        """The crawl runs of ``site_id``, oldest first."""
        runs = self.instance.get_runs(
            dg.RunsFilter(job_name=CRAWL_JOB, tags={PARTITION_TAG: site_id})
        )
        return list(reversed(runs))

    def finished(self, run_ids: list[str]) -> list[dg.DagsterRun] | None:
        runs = self.instance.get_runs(dg.RunsFilter(run_ids=run_ids))
        return runs if len(runs) == len(run_ids) and all(r.status in DONE for r in runs) else None


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp("celery")
    home = tmp / "dagster_home"
    with (
        temporary_pg_database("dagster_celery") as dagster_db,
        temporary_pg_database("app_celery") as app_db,
        migrated_engine(app_db) as engine,
        rabbitmq_vhost() as broker_url,
        pytest.MonkeyPatch.context() as patch,
    ):
        settings = {
            **dagster_pg_env(dagster_db),
            BROKER_SETTING: broker_url,
            BACKEND_SETTING: BACKEND_URL,
            "DAGSTER_HOME": str(home),
        }
        for name, value in settings.items():
            patch.setenv(name, value)
        config_file = write_celery_instance(home)
        # Test only: look at run workers every 2 s (30 s in production) to see a lost one soon.
        config = yaml.safe_load(config_file.read_text())
        config["run_monitoring"]["poll_interval_seconds"] = 2
        config_file.write_text(yaml.safe_dump(config))
        env = {
            **os.environ,
            "SEOLOGY_DATABASE_URL": app_db,
            "SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST": "127.0.0.1",
            "SEOLOGY_ANALYSIS_MODE": "offline",
        }
        log_dir = tmp / "logs"
        with dg.DagsterInstance.from_config(str(home)) as instance:
            apply_pool_limits(instance)
            with dagster_stack(env, log_dir) as stack:
                deployed = Deployment(stack, instance, engine, env, log_dir)
                try:
                    yield deployed
                finally:
                    deployed.stop_workers()


def _stored(engine: Engine, site_id: str) -> tuple[int, set[tuple], set[tuple]]:
    """The site's current crawl id, its pages and its open issues."""
    with session_scope(engine) as session:
        crawl = session.scalars(
            select(Crawl).where(Crawl.site_id == site_id, Crawl.is_current)
        ).one()
        pages = session.execute(
            select(
                Page.url, Page.status_code, Page.title, Page.word_count, Page.content_hash
            ).where(Page.crawl_id == crawl.id)
        ).all()
        issues = session.execute(
            select(SeoIssue.rule_code, SeoIssue.severity, SeoIssue.url, SeoIssue.fingerprint).where(
                SeoIssue.site_id == site_id
            )
        ).all()
        return crawl.id, {tuple(p) for p in pages}, {tuple(i) for i in issues}


def _in_process(tmp_path: Path, site_url: str, site_id: str, user_id: str) -> tuple:
    """Crawl and audit ``site_url`` in this process on a SQLite app database."""
    with migrated_engine(sqlite_url(tmp_path, "in_process.db")) as engine:
        add_customer(engine, site_url, user_id=user_id, site_id=site_id)
        with dg.DagsterInstance.ephemeral() as instance:
            instance.add_dynamic_partitions(SITES_PARTITIONS, [site_id])
            result = dg.materialize(
                [crawled_pages, seo_issues],
                partition_key=site_id,
                instance=instance,
                resources={
                    "database": DatabaseResource(url=str(engine.url)),
                    "crawler": CrawlerResource(allow_private_networks=True),
                },
            )
            assert result.success
        return _stored(engine, site_id)[1:]


def test_the_priority_tag_is_dagster_celerys() -> None:
    assert CELERY_PRIORITY_TAG == DAGSTER_CELERY_RUN_PRIORITY_TAG
    levels = [priority_tags(p)[CELERY_PRIORITY_TAG] for p in (-20, -10, -5, -4, 0, 4, 10)]
    assert [int(level) for level in levels] == [0, 3, 5, 5, 7, 8, 10]


def test_priorities_reach_the_broker_higher_first(deployment: Deployment) -> None:
    """Runs sent to the broker at -4, then 0, then 4 with no worker up; one worker with
    concurrency 1 starts them in the order 4, 0, -4."""
    deployment.stop_workers()
    client = deployment.graphql()
    run_ids: dict[int, str] = {}
    for priority in (-4, 0, 4):
        run_id = client.submit_job_execution(
            CLEANUP_JOB,
            repository_location_name=CODE_LOCATION,
            repository_name=REPOSITORY_NAME,
            run_config={"ops": {"clean_up": {"config": {"days_old": 90, "dry_run": True}}}},
            tags=priority_tags(priority),
        )
        deployment.wait_for(
            f"run at {priority} sent to the broker",
            lambda run_id=run_id: (
                deployment.instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.STARTING
            ),
        )
        run_ids[priority] = run_id
    deployment.worker("alpha")
    runs = deployment.wait_for("the three runs", lambda: deployment.finished([*run_ids.values()]))
    assert {r.status for r in runs} == {dg.DagsterRunStatus.SUCCESS}
    records = deployment.instance.get_run_records(dg.RunsFilter(run_ids=[*run_ids.values()]))
    started = {record.dagster_run.run_id: record.start_time for record in records}
    order = sorted(run_ids, key=lambda priority: started[run_ids[priority]])
    assert order == [4, 0, -4]


def test_four_site_crawls_spread_over_two_workers(deployment: Deployment, tmp_path: Path) -> None:
    """Four new sites: the sensor requests their crawls, the daemon sends them to the broker,
    two workers run them; the results equal an in-process crawl's."""
    site_ids = [f"spread-{n}" for n in range(4)]
    alpha, beta = deployment.worker("alpha"), deployment.worker("beta")
    with serve_site(BOOKSHOP) as site:
        for site_id in site_ids:
            add_customer(deployment.engine, f"{site.url}/", user_id=f"u-{site_id}", site_id=site_id)

        def crawls_done() -> list[dg.DagsterRun] | None:
            runs = [run for site_id in site_ids for run in deployment.site_runs(site_id)]
            ok = len(runs) == 4 and all(run.status in DONE for run in runs)
            return runs if ok else None

        runs = deployment.wait_for("four crawls", crawls_done)
        pool_pids = alpha.pool_pids() | beta.pool_pids()
        expected = _in_process(tmp_path, f"{site.url}/", site_ids[0], f"u-{site_ids[0]}")

    assert [run.status for run in runs] == [dg.DagsterRunStatus.SUCCESS] * 4
    workers = {
        deployment.celery.AsyncResult(run.tags[DAGSTER_CELERY_TASK_ID_TAG]).worker.split("@")[0]
        for run in runs
    }
    assert workers == {"alpha", "beta"}
    for run in runs:
        events = [
            entry.dagster_event
            for entry in deployment.instance.all_logs(run.run_id)
            if entry.dagster_event
        ]
        [launcher_pid] = {e.pid for e in events if e.event_type == dg.DagsterEventType.RUN_STARTING}
        executed = {
            e.pid
            for e in events
            if e.is_step_event or e.event_type == dg.DagsterEventType.RUN_START
        }
        assert executed and executed <= pool_pids and launcher_pid not in executed
    for site_id in site_ids:
        assert _stored(deployment.engine, site_id)[1:] == expected


def test_a_killed_worker_fails_the_run_and_keeps_the_previous_crawl(
    deployment: Deployment,
) -> None:
    """The pool process running a crawl dies: run monitoring marks the run failed, run retries
    run it again, and the site's previous crawl stays current until a crawl completes."""
    slow = threading.Event()
    hang = page("<html><head><title>Shop</title></head><body>slow</body></html>")
    hang = Response(hang.status, hang.headers, hang.body, delay_s=30)
    routes = {**BOOKSHOP, "/shop": lambda request: hang if slow.is_set() else BOOKSHOP["/shop"]}
    site_id = "killed"
    pools = deployment.worker("alpha").pool_pids() | deployment.worker("beta").pool_pids()
    with serve_site(routes) as site:
        add_customer(deployment.engine, f"{site.url}/", user_id="u-killed", site_id=site_id)
        deployment.wait_for(
            "the first crawl",
            lambda: (
                [r.status for r in deployment.site_runs(site_id)] == [dg.DagsterRunStatus.SUCCESS]
            ),
        )
        previous = _stored(deployment.engine, site_id)
        asked = site.paths().count("/shop")

        slow.set()
        run_id = deployment.graphql().submit_job_execution(
            CRAWL_JOB,
            repository_location_name=CODE_LOCATION,
            repository_name=REPOSITORY_NAME,
            tags={**priority_tags(10), PARTITION_TAG: site_id},
        )
        deployment.wait_for(
            "the crawl to hang on /shop", lambda: site.paths().count("/shop") > asked
        )
        run = deployment.instance.get_run_by_id(run_id)
        task = deployment.celery.AsyncResult(run.tags[DAGSTER_CELERY_TASK_ID_TAG])
        assert task.state == "STARTED"
        pid = task.info["pid"]
        assert pid in pools
        os.kill(pid, signal.SIGKILL)
        slow.clear()

        deployment.wait_for(
            "the run marked failed",
            lambda: deployment.instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE,
        )
        assert _stored(deployment.engine, site_id) == previous

        def retried() -> dg.DagsterRun | None:
            runs = deployment.instance.get_runs(
                dg.RunsFilter(tags={"dagster/parent_run_id": run_id})
            )
            return runs[0] if runs and runs[0].status in DONE else None

        retry = deployment.wait_for("the retried run", retried)
    assert retry.status == dg.DagsterRunStatus.SUCCESS
    current_id, pages, issues = _stored(deployment.engine, site_id)
    assert current_id != previous[0] and (pages, issues) == previous[1:]
