"""Fixtures for the upkeep tests: app databases and Dagster instances on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
import pytest
from sqlalchemy import Engine, delete

from seology_pipeline.db.models import DEFAULT_PLANS, Base, Plan
from seology_pipeline_tests.databases import migrated_engine, sqlite_url, temporary_pg_database
from seology_pipeline_tests.maintenance.helpers import dagster_instance

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="module", params=BACKENDS)
def module_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated app database per backend, shared by a module's tests."""
    if request.param == "sqlite":
        with migrated_engine(sqlite_url(tmp_path_factory.mktemp("appdb"))) as engine:
            yield engine
    else:
        with temporary_pg_database("seology_upkeep_test") as url, migrated_engine(url) as engine:
            yield engine


@pytest.fixture
def engine(module_engine: Engine) -> Engine:
    """The module's app database, emptied (default plans kept) for each test."""
    with module_engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
        connection.execute(Plan.__table__.insert(), list(DEFAULT_PLANS))
    return module_engine


@pytest.fixture(scope="module", params=BACKENDS)
def shared_instance(request: pytest.FixtureRequest) -> Iterator[dg.DagsterInstance]:
    with dagster_instance(request.param) as instance:
        yield instance


@pytest.fixture
def instance(shared_instance: dg.DagsterInstance) -> dg.DagsterInstance:
    """The module's Dagster instance, with no runs, for each test."""
    shared_instance.wipe()
    return shared_instance
