"""Upkeep benchmarks on PostgreSQL (needs the server at 127.0.0.1:5432); prints figures.

    .venv/bin/python benchmarks/upkeep.py [--rows 1000000] [--runs 10000] [--users 100000]

1. cleanup of N notifications + N audit logs (20 % past the thresholds)   target < 60 s
2. deleting R completed Dagster runs (with event logs) from a PG instance target < 120 s
3. usage reset for U subscribed users                                     target < 10 s

Each part uses its own throw-away databases. Test data is written in bulk with plain SQL (and, for
the Dagster runs, straight into the run storage's tables: adding runs through the API would take
longer than deleting them).
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import dagster as dg
import psycopg
from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
from dagster._core.storage.runs.schema import RunsTable, RunTagsTable
from dagster._serdes import serialize_value
from sqlalchemy import Engine, text

from seology_pipeline.db.engine import make_engine
from seology_pipeline.db.migrate import upgrade
from seology_pipeline.defs.maintenance import InstanceRunStore
from seology_pipeline.maintenance.cleanup import CleanupPolicy, clean_up, purge_runs
from seology_pipeline.maintenance.usage import reset_usage

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


@contextmanager
def pg_database(prefix: str) -> Iterator[str]:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def app_database() -> Iterator[Engine]:
    with pg_database("seology_bench_upkeep") as name:
        engine = make_engine(f"postgresql://postgres@127.0.0.1:5432/{name}")
        upgrade(engine)  # also seeds the default plans
        try:
            yield engine
        finally:
            engine.dispose()


class NoRuns:
    """A run store without runs: part 1 measures the app database alone."""

    def count_completed(self, finished_before: datetime) -> int:
        return 0

    def completed_run_ids(self, finished_before: datetime, limit: int) -> list[str]:
        return []

    def delete_runs(self, run_ids: list[str]) -> None:
        raise AssertionError("no runs to delete")


def timed(label: str, started: float) -> float:
    elapsed = time.perf_counter() - started
    print(f"  {label}: {elapsed:.2f} s", flush=True)
    return elapsed


def bench_cleanup(rows: int) -> float:
    print(f"1. cleanup: {rows:,} notifications + {rows:,} audit logs, 20 % past the thresholds")
    with app_database() as engine:
        started = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO users (id, is_admin, created_at) VALUES ('u1', false, now())")
            )
            connection.execute(
                text(
                    "INSERT INTO site_connections (id, user_id, root_url, name, is_active, "
                    "crawl_frequency, default_max_pages, settings, created_at, updated_at) "
                    "VALUES ('s1', 'u1', 'https://a.example', 'A', true, 'manual', 100, '{}', "
                    "now(), now())"
                )
            )
            # i % 5 = 0: read and 100+ days old (goes); = 1: unread and old (stays); rest recent.
            connection.execute(
                text(
                    "INSERT INTO notifications (user_id, kind, title, body, is_read, created_at) "
                    "SELECT 'u1', 'crawl', 'Crawl finished', '', i % 5 <> 1, "
                    "now() - CASE WHEN i % 5 IN (0, 1) THEN interval '100 days' + i * "
                    "interval '1 second' ELSE i * interval '1 second' END "
                    "FROM generate_series(1, :n) AS i"
                ),
                {"n": rows},
            )
            connection.execute(
                text(
                    "INSERT INTO audit_logs (created_at, user_id, site_id, action, details) "
                    "SELECT now() - CASE WHEN i % 5 = 0 THEN interval '400 days' "
                    "ELSE interval '10 days' END + i * interval '1 second', 'u1', 's1', "
                    "'crawl.completed', '{\"pages\": 12}' FROM generate_series(1, :n) AS i"
                ),
                {"n": rows},
            )
            connection.execute(
                text(
                    "INSERT INTO rollbacks (site_id, description, payload, created_at, expires_at) "
                    "SELECT 's1', '', '{}', now(), now() - CASE WHEN i % 5 = 0 "
                    "THEN interval '100 days' ELSE interval '-10 days' END "
                    "FROM generate_series(1, 10000) AS i"
                )
            )
            connection.execute(text("ANALYZE"))
        timed("setup", started)
        dry = clean_up(engine, NoRuns(), CleanupPolicy(dry_run=True))
        print(f"  dry run: {dry.as_result()}")
        started = time.perf_counter()
        report = clean_up(engine, NoRuns(), CleanupPolicy())
        elapsed = timed("cleanup", started)
        print(f"  result: {report.as_result()}")
        assert report.notifications_cleaned == rows // 5 == report.audit_logs_cleaned
        assert report.rollbacks_cleaned == 2000
        with engine.connect() as connection:
            left = connection.scalar(text("SELECT count(*) FROM notifications"))
        assert left == rows - rows // 5
    return elapsed


@contextmanager
def postgres_instance() -> Iterator[dg.DagsterInstance]:
    with pg_database("seology_bench_dagster") as name:
        storage = {
            "postgres": {
                "postgres_db": {
                    "username": "postgres",
                    "password": "",
                    "hostname": "127.0.0.1",
                    "port": 5432,
                    "db_name": name,
                    "scheme": "postgresql+psycopg2",
                }
            }
        }
        with dg.instance_for_test(overrides={"storage": storage}) as instance:
            yield instance


def add_runs(
    instance: dg.DagsterInstance, count: int, status: dg.DagsterRunStatus, finished: datetime
) -> None:
    """Add finished runs, each with two tags and four log events, in bulk."""
    finished = finished.astimezone(UTC).replace(tzinfo=None)
    for start in range(0, count, 1000):
        runs, tags, events = [], [], []
        for _ in range(min(1000, count - start)):
            run = dg.DagsterRun(
                job_name="crawl", run_id=str(uuid.uuid4()), status=status, tags={"site": "s1"}
            )
            runs.append(
                {
                    "run_id": run.run_id,
                    "pipeline_name": run.job_name,
                    "status": status.value,
                    "run_body": serialize_value(run),
                    "create_timestamp": finished - timedelta(minutes=2),
                    "update_timestamp": finished,
                    "start_time": (finished - timedelta(minutes=2)).timestamp(),
                    "end_time": finished.timestamp(),
                }
            )
            tags += [
                {"run_id": run.run_id, "key": "site", "value": "s1"},
                {"run_id": run.run_id, "key": "dagster/priority", "value": "0"},
            ]
            for number in range(4):
                entry = dg.EventLogEntry(
                    error_info=None,
                    level=20,
                    user_message=f"step {number}",
                    run_id=run.run_id,
                    timestamp=finished.replace(tzinfo=UTC).timestamp(),
                    job_name=run.job_name,
                )
                events.append(
                    {
                        "run_id": run.run_id,
                        "event": serialize_value(entry),
                        "dagster_event_type": None,
                        "timestamp": finished,
                    }
                )
        run_storage: object = instance.run_storage
        with run_storage.connect() as connection:  # type: ignore[attr-defined]
            connection.execute(RunsTable.insert(), runs)
            connection.execute(RunTagsTable.insert(), tags)
        with instance.event_log_storage.index_connection() as connection:  # type: ignore[attr-defined]
            connection.execute(SqlEventLogStorageTable.insert(), events)


def bench_runs(count: int) -> float:
    print(f"2. deleting {count:,} completed Dagster runs from a PostgreSQL instance")
    with postgres_instance() as instance:
        now = datetime.now(UTC)
        started = time.perf_counter()
        third = count // 3
        add_runs(instance, third, dg.DagsterRunStatus.SUCCESS, now - timedelta(days=40))
        add_runs(instance, third, dg.DagsterRunStatus.FAILURE, now - timedelta(days=35))
        add_runs(
            instance, count - 2 * third, dg.DagsterRunStatus.CANCELED, now - timedelta(days=90)
        )
        add_runs(instance, 500, dg.DagsterRunStatus.SUCCESS, now - timedelta(days=2))
        add_runs(instance, 50, dg.DagsterRunStatus.STARTED, now - timedelta(days=60))
        timed("setup", started)
        store = InstanceRunStore(instance)
        assert store.bulk_delete_supported
        cutoff = now - timedelta(days=30)
        assert purge_runs(store, cutoff, dry_run=True) == count
        started = time.perf_counter()
        deleted = purge_runs(store, cutoff)
        elapsed = timed(f"purge ({deleted:,} runs)", started)
        assert deleted == count
        assert instance.get_runs_count() == 550
        with instance.event_log_storage.index_connection() as connection:  # type: ignore[attr-defined]
            events_left = connection.scalar(text("SELECT count(*) FROM event_logs"))
        assert events_left == 550 * 4, events_left
        sample = 100
        ids = instance.get_run_ids(
            dg.RunsFilter(updated_before=now - timedelta(days=1)), limit=sample
        )
        started = time.perf_counter()
        for run_id in ids:
            instance.delete_run(run_id)
        one_by_one = (time.perf_counter() - started) / len(ids)
        print(
            f"  for comparison, DagsterInstance.delete_run one by one: {one_by_one * 1000:.0f} ms "
            f"a run, {one_by_one * count:.0f} s for {count:,}"
        )
    return elapsed


def bench_usage(users: int) -> float:
    print(f"3. usage reset for {users:,} subscribed users (+10 % canceled)")
    with app_database() as engine:
        started = time.perf_counter()
        total = users + users // 10
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, is_admin, created_at) "
                    "SELECT 'user-' || i, false, now() FROM generate_series(1, :n) AS i"
                ),
                {"n": total},
            )
            connection.execute(
                text(
                    "INSERT INTO subscriptions (user_id, plan_code, status, created_at) "
                    "SELECT 'user-' || i, 'pro', CASE WHEN i > :u THEN 'canceled' "
                    "WHEN i % 10 = 0 THEN 'trialing' ELSE 'active' END, now() "
                    "FROM generate_series(1, :n) AS i"
                ),
                {"n": total, "u": users},
            )
            connection.execute(
                text(
                    "INSERT INTO usage_records (user_id, month, crawls, pages, analyses, "
                    "ai_tokens, updated_at) SELECT 'user-' || i, '2026-03', 3, 100, 2, 5000, now() "
                    "FROM generate_series(1, :n, 2) AS i"
                ),
                {"n": total},
            )
            connection.execute(text("ANALYZE"))
        timed("setup", started)
        started = time.perf_counter()
        reset = reset_usage(engine, "2026-03")
        elapsed = timed(f"reset ({reset:,} users, half had a record)", started)
        started = time.perf_counter()
        again = reset_usage(engine, "2026-03")
        timed("second reset (idempotent)", started)
        assert reset == again == users
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=100_000)
    args = parser.parse_args()
    figures = [
        ("cleanup", bench_cleanup(args.rows), 60),
        ("dagster runs", bench_runs(args.runs), 120),
        ("usage reset", bench_usage(args.users), 10),
    ]
    print("summary:")
    for label, seconds, target in figures:
        verdict = "ok" if seconds < target else "OVER TARGET"
        print(f"  {label:<13} {seconds:7.2f} s  (target < {target} s)  {verdict}")


if __name__ == "__main__":
    main()
