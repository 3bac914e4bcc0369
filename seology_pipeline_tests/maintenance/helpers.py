"""Helpers for the upkeep tests: real Dagster instances and runs with a chosen status and time."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import dagster as dg
from dagster._core.remote_origin import (
    RegisteredCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)
from sqlalchemy.engine import make_url

from seology_pipeline_tests.databases import temporary_pg_database

EVENTS_PER_RUN = 3
STATUS_EVENTS = {
    dg.DagsterRunStatus.SUCCESS: dg.DagsterEventType.RUN_SUCCESS,
    dg.DagsterRunStatus.FAILURE: dg.DagsterEventType.RUN_FAILURE,
    dg.DagsterRunStatus.CANCELED: dg.DagsterEventType.RUN_CANCELED,
    dg.DagsterRunStatus.QUEUED: dg.DagsterEventType.RUN_ENQUEUED,
    dg.DagsterRunStatus.STARTING: dg.DagsterEventType.RUN_STARTING,
    dg.DagsterRunStatus.STARTED: dg.DagsterEventType.RUN_START,
}


@contextmanager
def dagster_instance(backend: str) -> Iterator[dg.DagsterInstance]:
    """A real Dagster instance: SQLite storage in a temp folder, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        with dg.instance_for_test() as instance:
            yield instance
        return
    with temporary_pg_database("seology_dagster_test") as url:
        parsed = make_url(url)
        postgres_db = {
            "username": parsed.username or "postgres",
            "password": parsed.password or "",
            "hostname": parsed.host or "127.0.0.1",
            "port": parsed.port or 5432,
            "db_name": parsed.database,
            "scheme": "postgresql+psycopg2",  # dagster-postgres' NOTIFY fails on psycopg 3
        }
        overrides = {"storage": {"postgres": {"postgres_db": postgres_db}}}
        with dg.instance_for_test(overrides=overrides) as instance:
            yield instance


def add_run(
    instance: dg.DagsterInstance,
    status: dg.DagsterRunStatus,
    at: datetime,
    job_name: str = "crawl",
) -> str:
    """Add a run of ``job_name`` with a few log events that reached ``status`` at ``at``."""
    origin = RemoteJobOrigin(
        RemoteRepositoryOrigin(RegisteredCodeLocationOrigin("seology_pipeline"), "__repository__"),
        job_name,
    )  # queued runs must say where their job comes from
    run = instance.add_run(
        dg.DagsterRun(
            job_name=job_name,
            run_id=str(uuid.uuid4()),
            status=dg.DagsterRunStatus.NOT_STARTED,
            remote_job_origin=origin,
        )
    )
    for number in range(EVENTS_PER_RUN):
        instance.report_engine_event(f"step {number}", run)
    event = dg.DagsterEvent(
        event_type_value=STATUS_EVENTS[status].value, job_name=job_name, message=status.value
    )
    # The run storage's own status update, so the time can lie in the past.
    instance.run_storage.handle_run_event(run.run_id, event, update_timestamp=at)
    return run.run_id
