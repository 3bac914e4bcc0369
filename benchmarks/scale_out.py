"""Scale-out: site crawls on one Celery worker against two, and the sensor cost at 10,000 sites.

(a) A Celery deployment like the CI test's (PostgreSQL instance, a RabbitMQ vhost of its own,
    Redis, webserver and daemon, ``seology worker`` processes with concurrency 1): N crawls of a
    20-page site on 127.0.0.1, queued at once at mixed priorities, first with one worker, then with
    two. Prints the seconds of each round, the speed-up (on a 2-core machine expect little: the
    figure exists and the path works), and how many pairs of runs started against priority order.
(b) 10,000 active daily sites in a PostgreSQL app database: the ``app_requests`` sensor
    evaluated tick after tick until every site is a partition (runs requested per tick, slowest
    tick), then one ``due_recrawls`` tick with all 10,000 due.

Usage: ``nice python benchmarks/scale_out.py [--sites 8] [--connections 10000] [--skip-workers]``
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import dagster as dg
from sqlalchemy import Engine

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    CrawlFrequency,
    SiteConnection,
    Subscription,
    SubscriptionStatus,
    User,
    utcnow,
)
from seology_pipeline.defs.app_requests import app_requests
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.sensors import due_recrawls
from seology_pipeline.names import (
    CODE_LOCATION,
    CRAWL_JOB,
    PARTITION_TAG,
    PRIORITY_TAG,
    REPOSITORY_NAME,
    SITES_PARTITIONS,
    priority_tags,
)
from seology_pipeline_tests.databases import migrated_engine, temporary_pg_database
from seology_pipeline_tests.deploy.celery_deployment import Deployment, celery_deployment
from seology_pipeline_tests.factories import add_customer
from seology_pipeline_tests.sites import page, serve_site

PRIORITIES = (10, -20, 0, -10)


def twenty_page_site() -> dict:
    routes = {}
    for index in range(20):
        path = "/" if index == 0 else f"/p{index}"
        links = " ".join(f'<a href="/p{i}">Page {i}</a>' for i in range(1, 20) if i != index)
        words = " ".join(f"bread{(index * 7 + i) % 50}" for i in range(400))
        routes[path] = page(
            f'<html lang="en"><head><title>Bakery page {index}</title></head>'
            f"<body><h1>Page {index}</h1><p>{words}</p>{links}</body></html>"
        )
    return routes


def crawl_round(deployed: Deployment, site_ids: list[str], workers: list[str]) -> tuple[float, int]:
    """Seconds until all crawls finished, and the pairs of runs started against priority order."""
    for name in workers:
        deployed.worker(name)
    client = deployed.graphql()
    started = time.perf_counter()
    run_ids = [
        client.submit_job_execution(
            CRAWL_JOB,
            repository_location_name=CODE_LOCATION,
            repository_name=REPOSITORY_NAME,
            tags={**priority_tags(priority), PARTITION_TAG: site_id},
        )
        for site_id, priority in zip(site_ids, itertools.cycle(PRIORITIES), strict=False)
    ]
    runs = deployed.wait_for("the crawls", lambda: deployed.finished(run_ids), timeout_s=1800)
    elapsed = time.perf_counter() - started
    deployed.stop_workers()
    failed = [run.run_id for run in runs if run.status != dg.DagsterRunStatus.SUCCESS]
    assert not failed, f"failed runs: {failed}\n{deployed.stack.logs()}"
    records = deployed.instance.get_run_records(dg.RunsFilter(run_ids=run_ids))
    order = [
        int(r.dagster_run.tags[PRIORITY_TAG]) for r in sorted(records, key=lambda r: r.start_time)
    ]
    inversions = sum(1 for a, b in itertools.combinations(order, 2) if a < b)
    return elapsed, inversions


def measure_workers(sites: int) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        serve_site(twenty_page_site()) as site,
        celery_deployment(Path(tmp), monitoring_poll_s=30, SEOLOGY_ANALYSIS_MODE="skip") as dep,
    ):
        site_ids = [f"bench-{n}" for n in range(sites)]
        # Registered first, so the new-site sensor leaves them to this benchmark.
        dep.instance.add_dynamic_partitions(SITES_PARTITIONS, site_ids)
        for site_id in site_ids:
            add_customer(dep.engine, f"{site.url}/", user_id=f"u-{site_id}", site_id=site_id)
        one, one_inv = crawl_round(dep, site_ids, ["one"])
        two, two_inv = crawl_round(dep, site_ids, ["two-a", "two-b"])
    pairs = sites * (sites - 1) // 2
    print(f"{sites} crawls, 1 worker : {one:6.1f} s ({one / sites:.1f} s/crawl)")
    print(f"{sites} crawls, 2 workers: {two:6.1f} s ({two / sites:.1f} s/crawl)")
    print(f"speed-up 2 vs 1 worker: {one / two:.2f}x")
    print(
        f"started against priority order: {one_inv}/{pairs} pairs (1 worker), "
        f"{two_inv}/{pairs} pairs (2 workers; the first runs start before the rest are queued)"
    )


def add_sites(engine: Engine, count: int) -> None:
    crawled = utcnow() - timedelta(days=2)
    with session_scope(engine) as session:
        for start in range(0, count, 10):
            user_id = f"user-{start // 10}"
            session.add(User(id=user_id, email=f"{user_id}@example.com", name=user_id))
            session.flush()
            session.add(
                Subscription(user_id=user_id, plan_code="pro", status=SubscriptionStatus.ACTIVE)
            )
            session.add_all(
                SiteConnection(
                    id=f"site-{n}",
                    user_id=user_id,
                    root_url=f"https://site-{n}.example.com/",
                    name=f"Site {n}",
                    crawl_frequency=CrawlFrequency.DAILY,
                    last_crawled_at=crawled,
                )
                for n in range(start, min(start + 10, count))
            )


def measure_sensors(connections: int) -> None:
    with temporary_pg_database("bench_scale") as url, migrated_engine(url) as engine:
        add_sites(engine, connections)
        database = DatabaseResource(url=url)
        with dg.instance_for_test() as instance:
            cursor, ticks, requested = None, [], []
            while True:
                with dg.build_sensor_context(
                    instance=instance, cursor=cursor, resources={"database": database}
                ) as context:
                    started = time.perf_counter()
                    result = app_requests(context)
                    ticks.append(time.perf_counter() - started)
                if not isinstance(result, dg.SensorResult):
                    break
                requested.append(len(result.run_requests))
                for request in result.dynamic_partitions_requests:
                    instance.add_dynamic_partitions(SITES_PARTITIONS, list(request.partition_keys))
                cursor = result.cursor
            registered = len(instance.get_dynamic_partitions(SITES_PARTITIONS))
            with dg.build_sensor_context(
                instance=instance, resources={"database": database}
            ) as context:
                started = time.perf_counter()
                recrawl = due_recrawls(context)
                recrawl_s = time.perf_counter() - started
    print(
        f"app_requests over {connections:,} sites: {len(requested)} ticks, "
        f"at most {max(requested)} runs per tick, slowest tick {max(ticks) * 1000:.0f} ms, "
        f"mean {sum(ticks) / len(ticks) * 1000:.0f} ms; {registered:,} partitions"
    )
    print(
        f"due_recrawls with {connections:,} due: {len(recrawl.run_requests)} runs requested "
        f"in one tick, {recrawl_s * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--skip-workers", action="store_true")
    args = parser.parse_args()
    measure_sensors(args.connections)
    if not args.skip_workers:
        measure_workers(args.sites)


if __name__ == "__main__":
    main()
