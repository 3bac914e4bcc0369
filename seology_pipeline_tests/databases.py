"""Temporary app databases for tests: SQLite files and PostgreSQL databases created and dropped.

PostgreSQL is required: the suite never skips its PostgreSQL tests. ``SEOLOGY_TEST_PG_URL`` points
at a server where the user may create databases (default: local trust-auth ``postgres``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from seology_pipeline.db.engine import make_engine
from seology_pipeline.db.migrate import upgrade

PG_ADMIN_URL = os.environ.get(
    "SEOLOGY_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _admin_connection() -> psycopg.Connection:
    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is required for this test and unreachable at {PG_ADMIN_URL} ({exc}). "
            "Start it or set SEOLOGY_TEST_PG_URL.",
            pytrace=False,
        )


@contextmanager
def temporary_pg_database(prefix: str = "seology_test") -> Iterator[str]:
    """Create an empty PostgreSQL database, yield its URL, drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_url(folder: Path, name: str = "app.db") -> str:
    return f"sqlite:///{folder / name}"


@contextmanager
def migrated_engine(url: str) -> Iterator[Engine]:
    """An engine on ``url`` migrated to head; disposed afterwards."""
    engine = make_engine(url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def app_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated app database on SQLite and, in a second run of the test, on PostgreSQL."""
    if request.param == "sqlite":
        with migrated_engine(sqlite_url(tmp_path)) as engine:
            yield engine
    else:
        with temporary_pg_database() as url, migrated_engine(url) as engine:
            yield engine


def dagster_pg_env(url: str) -> dict[str, str]:
    """The ``DAGSTER_PG_*`` variables of the production ``dagster.yaml`` for database ``url``."""
    parts = make_url(url)
    return {
        "DAGSTER_PG_HOST": parts.host or "127.0.0.1",
        "DAGSTER_PG_PORT": str(parts.port or 5432),
        "DAGSTER_PG_USER": parts.username or "",
        "DAGSTER_PG_PASSWORD": parts.password or "",
        "DAGSTER_PG_DB": parts.database or "",
    }
