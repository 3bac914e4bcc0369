"""Runs as Celery tasks on real workers: webserver and daemon on a PostgreSQL instance with the
Celery run launcher (``seology instance init --celery``), a RabbitMQ vhost of this module's own,
the Redis result backend, ``seology worker`` processes, sites served on 127.0.0.1."""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from dagster_celery.tags import DAGSTER_CELERY_RUN_PRIORITY_TAG, DAGSTER_CELERY_TASK_ID_TAG
from sqlalchemy import Engine, select

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Crawl, Page, SeoIssue
from seology_pipeline.defs.assets import crawled_pages
from seology_pipeline.defs.crawler import CrawlerResource
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.names import (
    CELERY_PRIORITY_TAG,
    CLEANUP_JOB,
    CODE_LOCATION,
    CRAWL_JOB,
    PARTITION_TAG,
    REPOSITORY_NAME,
    SITES_PARTITIONS,
    priority_tags,
)
from seology_pipeline_tests.databases import migrated_engine, sqlite_url
from seology_pipeline_tests.deploy.celery_deployment import DONE, Deployment, celery_deployment
from seology_pipeline_tests.factories import BOOKSHOP, add_customer
from seology_pipeline_tests.sites import Response, page, serve_site


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    with celery_deployment(tmp_path_factory.mktemp("celery")) as deployed:
        yield deployed


def _stored(engine: Engine, site_id: str) -> tuple[int, set[tuple], set[tuple]]:
    """The site's current crawl id, the pages of that crawl and the site's issues."""
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
                [crawled_pages],
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
    # One run per site at a time held across workers: the site's runs never overlapped.
    records = deployment.instance.get_run_records(dg.RunsFilter(tags={PARTITION_TAG: site_id}))
    spans = sorted((r.start_time, r.end_time or time.time()) for r in records if r.start_time)
    assert len(spans) >= 3
    assert all(start >= end for (_, end), (start, _) in itertools.pairwise(spans))
