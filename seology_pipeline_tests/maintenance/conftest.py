"""Fixtures for the upkeep tests: app databases and Dagster instances on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from dagster._core.remote_origin import (
    RegisteredCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)
from sqlalchemy import Engine, delete

from seology_pipeline.db.engine import make_engine
from seology_pipeline.db.migrate import upgrade
from seology_pipeline.db.models import DEFAULT_PLANS, Base, Plan

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def pg_database(prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database (its name), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=BACKENDS)
def migrated_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated app database per backend, shared by a module's tests."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("appdb") / "seology.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    with pg_database("seology_upkeep_test") as name:
        engine = make_engine(f"postgresql://postgres@127.0.0.1:5432/{name}")
        upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    """The module's app database, emptied (default plans kept) for each test."""
    with migrated_engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
        connection.execute(Plan.__table__.insert(), list(DEFAULT_PLANS))
    return migrated_engine


@contextmanager
def dagster_instance(backend: str) -> Iterator[dg.DagsterInstance]:
    """A real Dagster instance: SQLite storage in a temp folder, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        with dg.instance_for_test() as instance:
            yield instance
        return
    with pg_database("seology_dagster_test") as name:
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


@pytest.fixture(scope="module", params=BACKENDS)
def shared_instance(request: pytest.FixtureRequest) -> Iterator[dg.DagsterInstance]:
    with dagster_instance(request.param) as instance:
        yield instance


@pytest.fixture
def instance(shared_instance: dg.DagsterInstance) -> dg.DagsterInstance:
    """The module's Dagster instance, with no runs, for each test."""
    shared_instance.wipe()
    return shared_instance


EVENTS_PER_RUN = 3
STATUS_EVENTS = {
    dg.DagsterRunStatus.SUCCESS: dg.DagsterEventType.RUN_SUCCESS,
    dg.DagsterRunStatus.FAILURE: dg.DagsterEventType.RUN_FAILURE,
    dg.DagsterRunStatus.CANCELED: dg.DagsterEventType.RUN_CANCELED,
    dg.DagsterRunStatus.QUEUED: dg.DagsterEventType.RUN_ENQUEUED,
    dg.DagsterRunStatus.STARTING: dg.DagsterEventType.RUN_STARTING,
    dg.DagsterRunStatus.STARTED: dg.DagsterEventType.RUN_START,
}


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
