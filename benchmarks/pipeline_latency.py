"""Pipeline latency: how long a site takes from "connected" to "analysis stored".

(a) In process: the three assets materialized for a local 10-page site on a real (SQLite) Dagster
    instance, against the same domain calls made directly (crawl, audit, analysis without Dagster)
    in the same run, so the ratio is Dagster's overhead. Target: under 5 s (the old job queue took
    30–60 s for 10 pages).
(b) Deployed: code server, webserver and daemon running as docs/deploy.md says (PostgreSQL
    instance storage unless ``--sqlite``), a connection inserted into the app database; prints
    when each phase happened: the sensor tick that registered the partition, the run requested,
    dequeued, its process started, each step started and each asset stored. Target: analysis
    stored under 10 s.
(c) With ``--idle-sites N``: N connected sites, crawled and analysed, none due; the CPU the daemon
    and its code server use while idle, with the code server the daemon starts itself
    (``workspace.yaml``, the baseline) and with the standalone one (``deploy/workspace.yaml``).
    Target: under 10 % of one core.

Usage: ``python benchmarks/pipeline_latency.py [--repeat 3] [--skip-in-process] [--skip-deployed]
[--sqlite] [--idle-sites 10000 [--idle-seconds 120]]``
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial
from pathlib import Path

import dagster as dg
import httpx
import psutil
from sqlalchemy import func, insert, select

from seology_pipeline.analysis.analyst import analyse_site
from seology_pipeline.cli.instance_cmds import open_instance_at
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    Conversation,
    CrawlFrequency,
    SiteConnection,
    Subscription,
    SubscriptionStatus,
    User,
    utcnow,
)
from seology_pipeline.defs.assets import crawled_pages, site_analysis
from seology_pipeline.defs.claude import ClaudeResource
from seology_pipeline.defs.crawler import CrawlerResource
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.sensors import encode_site_cursor
from seology_pipeline.instance import PRODUCTION_CONFIG, write_embedded_instance
from seology_pipeline.names import (
    CODE_LOCATION,
    CRAWLED_PAGES,
    PARTITION_TAG,
    REPOSITORY_NAME,
    SEO_ISSUES,
    SITE_ANALYSIS,
    SITES_PARTITIONS,
)
from seology_pipeline.runs.crawl_run import current_crawl, plan_crawl
from seology_pipeline.runs.site_run import crawl_and_audit
from seology_pipeline.settings import load_settings
from seology_pipeline_tests.dagster_processes import dagster_stack
from seology_pipeline_tests.databases import (
    dagster_pg_env,
    migrated_engine,
    sqlite_url,
    temporary_pg_database,
)
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
    settings = load_settings().crawl_settings(root_url=root, max_pages=plan.max_pages)
    crawl_and_audit(engine, plan, settings, month="2026-11", run_id=None)
    with session_scope(engine) as session:
        crawl = current_crawl(session, "site-1")
        settings = load_settings().analysis_settings()
        analyse_site(session, "site-1", crawl.id, settings, None, utcnow())
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
    """Poll ``check`` every 0.1 s; return the wall-clock time (epoch seconds) it became true."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise TimeoutError("gave up waiting")
        time.sleep(0.1)
    return time.time()


PHASE_EVENTS = {
    dg.DagsterEventType.RUN_STARTING: "dequeued",
    dg.DagsterEventType.RUN_START: "run process started",
}


def run_phases(instance: dg.DagsterInstance, partition: str) -> dict[str, float]:
    """Epoch times of each phase of the partition's runs, from the run records and events."""
    phases: dict[str, float] = {}
    records = instance.get_run_records(dg.RunsFilter(tags={PARTITION_TAG: partition}))
    for record in sorted(records, key=lambda r: r.create_timestamp):
        phases.setdefault(
            f"run requested ({record.dagster_run.job_name})", record.create_timestamp.timestamp()
        )
        for entry in instance.all_logs(record.dagster_run.run_id):
            event = entry.dagster_event
            if event is None:
                continue
            label = PHASE_EVENTS.get(event.event_type)
            if event.event_type == dg.DagsterEventType.STEP_START:
                label = f"step {event.step_key} started"
            elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
                label = f"{event.asset_key.to_user_string()} stored"
            if label:
                phases.setdefault(label, entry.timestamp)
    return phases


def measure_deployed(use_sqlite: bool, repeat: int) -> None:
    """A warm-up site first (daemon and code server started, sensors ticking), then ``repeat``
    sites connected one after the other; each phase in seconds after its insertion."""
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
                env |= dagster_pg_env(dagster_db)
                os.environ.update(dagster_pg_env(dagster_db))
            app_url = sqlite_url(root)
            env["SEOLOGY_DATABASE_URL"] = app_url
            timings: list[dict[str, float]] = []
            with (
                migrated_engine(app_url) as engine,
                open_instance_at(home) as instance,
                dagster_stack(env, root / "logs", code_server=True),
            ):
                for index in range(repeat + 1):
                    site_id = f"site-{index}"
                    inserted = time.time()
                    add_customer(engine, f"{site.url}/", site_id=site_id, with_user=index == 0)
                    partition = wait_for(
                        partial(instance.has_dynamic_partition, SITES_PARTITIONS, site_id)
                    )
                    wait_for(partial(_analysis_stored, engine, site_id))
                    time.sleep(1)  # the run's last events
                    phases = {"partition registered (sensor tick)": partition}
                    phases |= run_phases(instance, site_id)
                    if index:  # index 0 warmed the daemon up
                        timings.append({k: v - inserted for k, v in phases.items()})
    storage = "SQLite" if use_sqlite else "PostgreSQL"
    labels = sorted(timings[0], key=lambda label: timings[0][label])
    print(f"deployed ({storage} instance), seconds after inserting a connection, {repeat} sites:")
    for label in labels:
        cells = "  ".join(f"{t.get(label, float('nan')):6.2f}" for t in timings)
        print(f"  {cells}   {label}")
    totals = [t[f"{SITE_ANALYSIS} stored"] for t in timings]
    median = statistics.median(totals)
    print(
        f"  connection -> analysis stored: median {median:.1f} s, worst {max(totals):.1f} s;"
        f" target < 10 s: {'met' if median < 10 else 'MISSED'}"
    )


SEED_THREADS = 4


def seed_connected_sites(engine, instance: dg.DagsterInstance, count: int) -> tuple[str, datetime]:
    """``count`` weekly sites crawled just now (none due), each a partition with its three assets
    materialized: the steady state of a deployment between crawls. Returns the last site's id
    and creation time."""
    now = utcnow()
    keys = [f"site-{index:05d}" for index in range(count)]
    with session_scope(engine) as session:
        session.add(User(id="user-1", email="user-1@example.com", name="user-1"))
        session.flush()
        session.add(
            Subscription(user_id="user-1", plan_code="pro", status=SubscriptionStatus.ACTIVE)
        )
        session.flush()
        session.execute(
            insert(SiteConnection),
            [
                {
                    "id": key,
                    "user_id": "user-1",
                    "root_url": f"https://{key}.example/",
                    "name": key,
                    "crawl_frequency": CrawlFrequency.WEEKLY,
                    "default_max_pages": 100,
                    "settings": {},
                    "created_at": now,
                    "updated_at": now,
                    "last_crawled_at": now,
                }
                for key in keys
            ],
        )
    instance.add_dynamic_partitions(SITES_PARTITIONS, keys)
    # The automation sensor reads each partition's materializations: an analysed site has all
    # three. Dagster stores one runless event per call; pooled connections (its storage opens one
    # per query otherwise) and a few threads make 30,000 of them take minutes, not 20.
    instance.event_log_storage.optimize_for_webserver(
        statement_timeout=60_000, pool_recycle=3600, max_overflow=SEED_THREADS
    )
    with ThreadPoolExecutor(SEED_THREADS) as pool:
        for asset in (CRAWLED_PAGES, SEO_ISSUES, SITE_ANALYSIS):
            events = [dg.AssetMaterialization(asset_key=asset, partition=key) for key in keys]
            list(pool.map(instance.report_runless_asset_event, events))
    return keys[-1], now


def tree_cpu_seconds(*pids: int | None) -> float:
    """CPU seconds (user + system) of the processes ``pids`` and all their children."""
    total = 0.0
    for pid in pids:
        if pid is None:
            continue
        process = psutil.Process(pid)
        for member in [process, *process.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                times = member.cpu_times()
                total += times.user + times.system
    return total


SET_SENSOR_CURSOR = """
mutation ($selector: SensorSelector!, $cursor: String!) {
  setSensorCursor(sensorSelector: $selector, cursor: $cursor) { __typename } }
"""
NEW_SITE_SENSOR = {
    "repositoryLocationName": CODE_LOCATION,
    "repositoryName": REPOSITORY_NAME,
    "sensorName": "app_requests",
}


def settle_new_site_sensor(url: str, last_site: str, created_at: datetime) -> None:
    """Put ``app_requests``'s cursor after the last seeded site, as it stands in a
    deployment that registered them (from no cursor it would take 50 ticks to catch up)."""
    variables = {
        "selector": NEW_SITE_SENSOR,
        "cursor": encode_site_cursor(last_site, created_at),
    }
    answer = httpx.post(
        f"{url}/graphql", json={"query": SET_SENSOR_CURSOR, "variables": variables}, timeout=30
    )
    assert answer.json()["data"]["setSensorCursor"]["__typename"] == "Sensor", answer.text


def tick_breakdown(instance: dg.DagsterInstance, since: float, until: float) -> str:
    """Each sensor's ticks a minute and mean tick time between ``since`` and ``until`` (epoch).

    Read from the instance (each layout's code server has its own origin, one selector)."""
    minutes = (until - since) / 60
    seen: set[str] = set()
    parts: list[tuple[str, int, float]] = []
    for state in instance.all_instigator_state():
        if state.selector_id in seen:
            continue
        seen.add(state.selector_id)
        ticks = [
            tick
            for tick in instance.get_ticks(
                state.instigator_origin_id, state.selector_id, after=since
            )
            if tick.timestamp <= until and tick.end_timestamp
        ]
        if ticks:
            mean = statistics.mean(tick.end_timestamp - tick.timestamp for tick in ticks)
            parts.append((state.instigator_name, len(ticks), mean))
    total = sum(count for _, count, _ in parts) / minutes
    return f"{total:.1f} sensor ticks a minute: " + ", ".join(
        f"{name} {count / minutes:.1f}/min ({mean * 1000:.0f} ms)" for name, count, mean in parts
    )


def idle_cpu(
    instance: dg.DagsterInstance,
    env: dict[str, str],
    logs: Path,
    code_server: bool,
    seconds: float,
    warm_up: float,
    last_site: tuple[str, datetime],
) -> float:
    """Share of one core the daemon uses idle (with its code server: the one it starts, or the
    standalone one of ``deploy/workspace.yaml``)."""
    with dagster_stack(env, logs, code_server=code_server) as stack:
        settle_new_site_sensor(stack.url, *last_site)
        time.sleep(warm_up)
        pids = (stack.daemon_pid, stack.code_server_pid)
        before, started = tree_cpu_seconds(*pids), time.monotonic()
        load_before, since = os.getloadavg()[0], time.time()
        time.sleep(seconds)
        used = tree_cpu_seconds(*pids) - before
        elapsed = time.monotonic() - started
        ticks = tick_breakdown(instance, since, time.time())
    share = 100 * used / elapsed
    layout = "standalone code server" if code_server else "code server started by the daemon"
    print(
        f"  {layout}: {used:.1f} CPU s in {elapsed:.0f} s = {share:.1f} % of one core"
        f" (load average {load_before:.1f} -> {os.getloadavg()[0]:.1f})\n    {ticks}"
    )
    return share


def measure_idle_daemon(sites: int, seconds: float, warm_up: float) -> None:
    """CPU of the daemon and its code server with ``sites`` connected sites idle, in both
    layouts on the same seeded databases: ``workspace.yaml`` (the daemon starts a code server
    and replaces it every 60 s) and ``deploy/workspace.yaml`` (one long-lived code server)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        home = root / "home"
        home.mkdir()
        shutil.copy(PRODUCTION_CONFIG, home / "dagster.yaml")
        with (
            temporary_pg_database("bench_idle_dagster") as dagster_db,
            temporary_pg_database("bench_idle_app") as app_url,
        ):
            env = {
                **os.environ,
                **dagster_pg_env(dagster_db),
                "DAGSTER_HOME": str(home),
                "SEOLOGY_DATABASE_URL": app_url,
            }
            os.environ.update(dagster_pg_env(dagster_db))
            with (
                migrated_engine(app_url) as engine,
                open_instance_at(home) as instance,
            ):
                seeded, cpu = time.monotonic(), time.process_time()
                last_site = seed_connected_sites(engine, instance, sites)
                print(
                    f"idle daemon: seeded {sites} sites in {time.monotonic() - seeded:.0f} s"
                    f" ({time.process_time() - cpu:.0f} CPU s here)"
                )
                print(
                    f"idle daemon with {sites} connected sites, {seconds:.0f} s after"
                    f" {warm_up:.0f} s of warm-up:"
                )
                shares = [
                    idle_cpu(
                        instance, env, root / f"logs{index}", layout, seconds, warm_up, last_site
                    )
                    for index, layout in enumerate((False, True))
                ]
                launched = instance.get_runs_count()
    print(
        f"  standalone code server: {shares[1] / shares[0]:.2f}x the other layout; runs launched:"
        f" {launched}; target < 10 %: {'met' if shares[1] < 10 else 'MISSED'}"
    )


def _analysis_stored(engine, site_id: str) -> bool:
    with session_scope(engine) as session:
        query = select(func.count()).where(Conversation.site_id == site_id)
        return session.scalar(query) > 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-in-process", action="store_true")
    parser.add_argument("--skip-deployed", action="store_true")
    parser.add_argument("--sqlite", action="store_true", help="SQLite instance storage for (b)")
    parser.add_argument("--idle-sites", type=int, default=0, help="(c) with this many sites")
    parser.add_argument("--idle-seconds", type=float, default=120)
    args = parser.parse_args()
    os.environ.setdefault("SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST", "127.0.0.1")
    os.environ.setdefault("SEOLOGY_ANALYSIS_MODE", "offline")
    if not args.skip_in_process:
        measure_in_process(args.repeat)
    if not args.skip_deployed:
        measure_deployed(args.sqlite, args.repeat)
    if args.idle_sites:
        measure_idle_daemon(args.idle_sites, args.idle_seconds, warm_up=60)


if __name__ == "__main__":
    main()
