"""Pipeline latency: how long a site takes from "connected" to "analysis stored".

(a) In process: the three assets materialized for a local 10-page site on a real (SQLite) Dagster
    instance, against the same domain calls made directly (crawl, audit, analysis without Dagster)
    in the same run, so the ratio is Dagster's overhead. Target: under 5 s (the old job queue took
    30–60 s for 10 pages).
(b) Deployed: webserver and daemon running (PostgreSQL instance storage unless ``--sqlite``), a
    connection inserted into the app database; prints seconds until the partition exists, the
    crawl run starts, the crawl succeeds and the analysis is stored.

Usage: ``python benchmarks/pipeline_latency.py [--repeat 3] [--skip-deployed] [--sqlite]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from seology_pipeline.analysis.analyst import analyse_site
from seology_pipeline.analysis.settings import AnalysisSettings
from seology_pipeline.crawl.settings import CrawlSettings
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Conversation, Crawl, utcnow
from seology_pipeline.defs.assets import crawled_pages, site_analysis
from seology_pipeline.defs.claude import ClaudeResource
from seology_pipeline.defs.crawler import CrawlerResource
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.instance import PRODUCTION_CONFIG, apply_pool_limits, write_embedded_instance
from seology_pipeline.runs.crawl_run import current_crawl, plan_crawl
from seology_pipeline.runs.site_run import crawl_and_audit
from seology_pipeline_tests.dagster_processes import dagster_stack
from seology_pipeline_tests.databases import migrated_engine, sqlite_url, temporary_pg_database
from seology_pipeline_tests.factories import add_customer
from seology_pipeline_tests.sites import page, serve_site

WORDS = [
    "bread",
    "flour",
    "oven",
    "crust",
    "crumb",
    "starter",
    "rye",
    "spelt",
    "butter",
    "sugar",
    "honey",
    "seed",
]


def ten_page_site() -> dict:
    """A server-rendered 10-page site: titles, descriptions, headings, a few hundred words."""
    routes = {}
    for index in range(10):
        path = "/" if index == 0 else f"/page-{index}"
        links = " ".join(f'<a href="/page-{i}">Page {i}</a>' for i in range(1, 10) if i != index)
        text = " ".join(WORDS[(index + i) % len(WORDS)] for i in range(300))
        routes[path] = page(
            f'<html lang="en"><head><title>Bakery page {index}: breads and pastries</title>'
            f'<meta name="description" content="Page {index} of a bakery site about bread.">'
            f"</head><body><h1>Page {index}</h1><p>{text}</p>{links}</body></html>"
        )
    return routes


def direct(engine, root: str) -> float:
    """Crawl, audit and analysis called as plain functions (no Dagster)."""
    started = time.perf_counter()
    with session_scope(engine) as session:
        plan = plan_crawl(session, "site-1", max_pages=None, user_id=None, month="2026-11")
    settings = CrawlSettings.from_env(root_url=root, max_pages=plan.max_pages)
    crawl_and_audit(engine, plan, settings, month="2026-11", run_id=None)
    with session_scope(engine) as session:
        crawl = current_crawl(session, "site-1")
        analyse_site(session, "site-1", crawl.id, AnalysisSettings.from_env(), None, utcnow())
    return time.perf_counter() - started


def in_process(engine, instance: dg.DagsterInstance) -> float:
    started = time.perf_counter()
    result = dg.materialize(
        [crawled_pages, site_analysis],
        partition_key="site-1",
        instance=instance,
        resources={
            "database": DatabaseResource(url=engine.url.render_as_string(hide_password=False)),
            "crawler": CrawlerResource(),
            "claude": ClaudeResource(mode="offline"),
        },
    )
    assert result.success
    return time.perf_counter() - started


def measure_in_process(repeat: int) -> None:
    direct_times, dagster_times = [], []
    with tempfile.TemporaryDirectory() as tmp, serve_site(ten_page_site()) as site:
        root = Path(tmp)
        for run in range(repeat):
            for label, times in (("direct", direct_times), ("dagster", dagster_times)):
                folder = root / f"{label}{run}"
                folder.mkdir()
                with migrated_engine(sqlite_url(folder)) as engine:
                    add_customer(engine, f"{site.url}/")
                    if label == "direct":
                        times.append(direct(engine, f"{site.url}/"))
                        continue
                    home = write_embedded_instance(folder / "home")
                    with dg.DagsterInstance.from_config(str(home)) as instance:
                        instance.add_dynamic_partitions("sites", ["site-1"])
                        times.append(in_process(engine, instance))
    best_direct, best_dagster = min(direct_times), min(dagster_times)
    print(
        f"in-process, 10-page site: dagster {best_dagster:.2f} s "
        f"(median {statistics.median(dagster_times):.2f} s of {repeat}), "
        f"direct calls {best_direct:.2f} s, {best_dagster / best_direct:.2f}x direct; "
        f"target < 5 s: {'met' if best_dagster < 5 else 'MISSED'}"
    )


def wait_for(check: Callable[[], bool], timeout: float = 600) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise TimeoutError("gave up waiting")
        time.sleep(0.25)
    return time.monotonic()


def measure_deployed(use_sqlite: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp, serve_site(ten_page_site()) as site:
        root = Path(tmp)
        home = root / "home"
        home.mkdir()
        env = {
            **os.environ,
            "DAGSTER_HOME": str(home),
            "SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST": "127.0.0.1",
            "SEOLOGY_ANALYSIS_MODE": "offline",
        }
        with temporary_pg_database("bench_dagster") as dagster_db:
            if use_sqlite:
                write_embedded_instance(home)
            else:
                shutil.copy(PRODUCTION_CONFIG, home / "dagster.yaml")
                parts = make_url(dagster_db)
                pg = {
                    "DAGSTER_PG_HOST": parts.host or "127.0.0.1",
                    "DAGSTER_PG_PORT": str(parts.port or 5432),
                    "DAGSTER_PG_USER": parts.username or "",
                    "DAGSTER_PG_PASSWORD": parts.password or "",
                    "DAGSTER_PG_DB": parts.database or "",
                }
                env |= pg
                os.environ.update(pg)
            app_url = sqlite_url(root)
            env["SEOLOGY_DATABASE_URL"] = app_url
            with (
                migrated_engine(app_url) as engine,
                dg.DagsterInstance.from_config(str(home)) as instance,
            ):
                apply_pool_limits(instance)
                with dagster_stack(env, root / "logs"):
                    inserted = time.monotonic()
                    add_customer(engine, f"{site.url}/")
                    partition = wait_for(lambda: instance.has_dynamic_partition("sites", "site-1"))
                    started = wait_for(lambda: bool(_crawl_runs(instance)))
                    crawled = wait_for(lambda: _crawl_row_done(engine))
                    analysed = wait_for(lambda: _analysis_stored(engine))
    storage = "SQLite" if use_sqlite else "PostgreSQL"
    print(
        f"deployed ({storage} instance): partition {partition - inserted:.1f} s, "
        f"crawl run started {started - inserted:.1f} s, crawl stored {crawled - inserted:.1f} s, "
        f"analysis stored {analysed - inserted:.1f} s after inserting the connection"
    )


def _crawl_runs(instance: dg.DagsterInstance) -> list:
    return instance.get_runs(dg.RunsFilter(tags={"dagster/partition": "site-1"}))


def _crawl_row_done(engine) -> bool:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).where(Crawl.is_current.is_(True))) > 0


def _analysis_stored(engine) -> bool:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(Conversation)) > 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-deployed", action="store_true")
    parser.add_argument("--sqlite", action="store_true", help="SQLite instance storage for (b)")
    args = parser.parse_args()
    os.environ.setdefault("SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST", "127.0.0.1")
    os.environ.setdefault("SEOLOGY_ANALYSIS_MODE", "offline")
    measure_in_process(args.repeat)
    if not args.skip_deployed:
        measure_deployed(args.sqlite)


if __name__ == "__main__":
    main()
