"""Sensors evaluated against a real Dagster instance and a real app database."""

from __future__ import annotations

import json
from datetime import timedelta

import dagster as dg
import pytest
from sqlalchemy import Engine, select, text

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    AuditLog,
    CrawlFrequency,
    Notification,
    SiteConnection,
    utcnow,
)
from seology_pipeline.defs.app_requests import app_requests
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.sensors import due_recrawls, removed_site_connections
from seology_pipeline.names import (
    NEW_SITE_PRIORITY,
    PRIORITY_TAG,
    RECRAWL_PRIORITY,
    SITES_PARTITIONS,
)
from seology_pipeline_tests.defs.ticks import job_runs_tick
from seology_pipeline_tests.factories import add_customer


def _resources(engine: Engine) -> dict[str, object]:
    return {"database": DatabaseResource(url=engine.url.render_as_string(hide_password=False))}


def _tick(sensor, engine: Engine, instance: dg.DagsterInstance, cursor: str | None = None):
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources=_resources(engine)
    ) as context:
        return sensor(context)


def _sites(engine: Engine, count: int, **kwargs) -> list[str]:
    base = utcnow() - timedelta(days=30)
    ids = []
    for index in range(count):
        ids.append(
            add_customer(
                engine,
                f"https://s{index}.example/",
                site_id=f"site-{index:02d}",
                with_user=index == 0,
                created_at=base + timedelta(minutes=index),
                **kwargs,
            )
        )
    return ids


def test_new_sites_become_partitions_and_first_crawls_bounded_per_tick(
    app_engine: Engine, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEOLOGY_SENSOR_MAX_SITES_PER_TICK", "2")
    ids = _sites(app_engine, 5)
    with session_scope(app_engine) as session:
        session.get_one(SiteConnection, ids[3]).is_active = False

    seen: list[str] = []
    cursor = None
    for expected in ([ids[0], ids[1]], [ids[2], ids[4]]):
        result = _tick(app_requests, app_engine, instance, cursor)
        keys = [request.partition_key for request in result.run_requests]
        assert keys == expected
        assert [r.run_key for r in result.run_requests] == [f"first-crawl:{k}" for k in keys]
        assert {r.job_name for r in result.run_requests} <= {None, "first_crawl"}
        assert all(r.tags[PRIORITY_TAG] == str(NEW_SITE_PRIORITY) for r in result.run_requests)
        [add_request] = result.dynamic_partitions_requests
        assert list(add_request.partition_keys) == expected
        seen += keys
        cursor = result.cursor
        assert json.loads(cursor)["site_id"] == expected[-1]

    assert isinstance(_tick(app_requests, app_engine, instance, cursor), dg.SkipReason)
    assert len(seen) == len(set(seen)) == 4

    # A site added later is picked up from the cursor, once; one already registered by hand
    # (CLI crawl, queue client) gets no extra first crawl but the cursor moves past it.
    add_customer(app_engine, "https://late.example/", site_id="site-late", with_user=False)
    add_customer(app_engine, "https://hand.example/", site_id="site-manual", with_user=False)
    instance.add_dynamic_partitions(SITES_PARTITIONS, ["site-manual"])
    result = _tick(app_requests, app_engine, instance, cursor)
    assert [r.partition_key for r in result.run_requests] == ["site-late"]
    assert json.loads(result.cursor)["site_id"] == "site-manual"


def test_removed_and_deactivated_sites_lose_their_partitions(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    ids = _sites(app_engine, 3)
    instance.add_dynamic_partitions(SITES_PARTITIONS, [*ids, "site-ghost"])
    with session_scope(app_engine) as session:
        session.get_one(SiteConnection, ids[1]).is_active = False
        session.delete(session.get_one(SiteConnection, ids[2]))

    result = _tick(removed_site_connections, app_engine, instance)
    [delete_request] = result.dynamic_partitions_requests
    assert sorted(delete_request.partition_keys) == sorted([ids[1], ids[2], "site-ghost"])
    instance.delete_dynamic_partition(SITES_PARTITIONS, ids[1])
    instance.delete_dynamic_partition(SITES_PARTITIONS, ids[2])
    instance.delete_dynamic_partition(SITES_PARTITIONS, "site-ghost")
    assert isinstance(_tick(removed_site_connections, app_engine, instance), dg.SkipReason)


def test_due_recrawls_skip_busy_unregistered_and_not_yet_due_sites(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    ids = _sites(app_engine, 5, frequency=CrawlFrequency.DAILY)
    now = utcnow()
    with session_scope(app_engine) as session:
        for index, site_id in enumerate(ids):
            site = session.get_one(SiteConnection, site_id)
            site.last_crawled_at = now - timedelta(days=2, hours=index)
        session.get_one(SiteConnection, ids[1]).crawl_frequency = CrawlFrequency.WEEKLY
        session.get_one(SiteConnection, ids[4]).last_crawled_at = None
    instance.add_dynamic_partitions(SITES_PARTITIONS, [*ids[:3], ids[4]])
    busy = dg.DagsterRun(
        job_name="crawl_site",
        run_id="busy-run",
        status=dg.DagsterRunStatus.STARTED,
        tags={"dagster/partition": ids[2]},
    )
    instance.add_run(busy)

    result = _tick(due_recrawls, app_engine, instance)
    assert [r.partition_key for r in result.run_requests] == [ids[0]]
    [request] = result.run_requests
    assert request.tags[PRIORITY_TAG] == str(RECRAWL_PRIORITY)
    assert request.run_key.startswith(f"recrawl:{ids[0]}:")
    # The same due crawl gets the same run key on the next tick: never launched twice.
    again = _tick(due_recrawls, app_engine, instance)
    assert [r.run_key for r in again.run_requests] == [request.run_key]


@dg.asset(partitions_def=dg.DynamicPartitionsDefinition(name=SITES_PARTITIONS))
def _always_fails() -> None:
    raise RuntimeError("browser crashed")


def _fail(instance: dg.DagsterInstance, site_id: str) -> None:
    """Fail a run of ``site_id``'s partition."""
    result = dg.materialize(
        [_always_fails], instance=instance, partition_key=site_id, raise_on_error=False
    )
    assert not result.success


def test_run_failures_notify_the_owner_and_alert_after_three_in_a_row(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    [site_id] = _sites(app_engine, 1)
    instance.add_dynamic_partitions(SITES_PARTITIONS, [site_id])
    cursor = job_runs_tick(app_engine, instance)
    for _ in range(4):
        _fail(instance, site_id)
        cursor = job_runs_tick(app_engine, instance, cursor)

    with session_scope(app_engine) as session:
        notes = session.scalars(select(Notification).order_by(Notification.id)).all()
        owner_notes = [n for n in notes if n.user_id == "user-1"]
        alerts = [n for n in notes if n.kind == "admin_alert"]
        assert len(owner_notes) == 4 and all(n.kind == "run_failed" for n in owner_notes)
        assert "browser crashed" in owner_notes[0].body
        assert len(alerts) == 1 and alerts[0].user_id is None
        assert session.scalar(select(AuditLog.action).where(AuditLog.action == "site.alert"))


def test_one_tick_answers_new_connections_and_pending_jobs(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    [site_id] = _sites(app_engine, 1)
    with app_engine.begin() as connection:
        connection.execute(
            text("INSERT INTO jobs (type, payload) VALUES ('CLEANUP', '{\"daysOld\": 30}')")
        )
    result = _tick(app_requests, app_engine, instance)
    assert sorted((r.job_name, r.partition_key or "") for r in result.run_requests) == [
        ("cleanup", ""),
        ("first_crawl", site_id),
    ]
    [add_request] = result.dynamic_partitions_requests
    assert list(add_request.partition_keys) == [site_id]
    # Both are answered once: the cursor is past the site and the row is claimed.
    assert isinstance(_tick(app_requests, app_engine, instance, result.cursor), dg.SkipReason)


def test_a_new_site_with_a_pending_crawl_row_is_crawled_once(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    first, second = _sites(app_engine, 2)
    with app_engine.begin() as connection:
        connection.execute(
            text("INSERT INTO jobs (type, payload) VALUES ('CRAWL_SITE', :payload)"),
            {"payload": json.dumps({"siteId": second})},
        )
    result = _tick(app_requests, app_engine, instance)
    assert sorted((r.job_name, r.partition_key) for r in result.run_requests) == [
        ("crawl_site", second),
        ("first_crawl", first),
    ]
    [add_request] = result.dynamic_partitions_requests
    assert sorted(add_request.partition_keys) == [first, second]
    assert isinstance(_tick(app_requests, app_engine, instance, result.cursor), dg.SkipReason)
