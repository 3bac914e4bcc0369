"""The production (PostgreSQL) and embedded (SQLite) instance configs load into real instances."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from seology_pipeline.cli.instance_cmds import open_instance_at
from seology_pipeline.instance import (
    PRODUCTION_CONFIG,
    apply_pool_limits,
    dagster_home,
    pool_limits,
    write_embedded_instance,
)
from seology_pipeline.settings import SettingsError
from seology_pipeline_tests.databases import temporary_pg_database


def _assert_shared_limits(instance: dg.DagsterInstance) -> None:
    run_queue = instance.get_concurrency_config().run_queue_config
    assert run_queue.max_concurrent_runs == 4
    # A queued run is picked up within a second (Dagster's default is every 5 s).
    assert isinstance(instance.run_coordinator, dg.QueuedRunCoordinator)
    assert instance.run_coordinator.dequeue_interval_seconds == 1
    [site_limit] = run_queue.tag_concurrency_limits
    assert site_limit == {
        "key": "dagster/partition",
        "value": {"applyLimitPerUniqueValue": True},
        "limit": 1,
    }
    assert instance.get_concurrency_config().pool_config.default_pool_limit == 2
    assert instance.run_monitoring_enabled
    assert instance.run_monitoring_max_runtime_seconds == 14400
    assert instance.run_retries_enabled and instance.run_retries_max_retries == 2
    limits = apply_pool_limits(instance)
    assert limits == {"browser": 2, "claude": 4}
    assert instance.event_log_storage.get_concurrency_info("browser").slot_count == 2
    assert instance.event_log_storage.get_concurrency_info("claude").slot_count == 4


@dg.asset
def _probe() -> int:
    return 1


def _assert_stores_events(instance: dg.DagsterInstance) -> None:
    """A run's events reach the event log (dagster-postgres' NOTIFY needs psycopg2)."""
    result = dg.materialize([_probe], instance=instance)
    assert result.success
    assert instance.get_latest_materialization_event(_probe.key) is not None


def test_production_instance_uses_postgres_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(PRODUCTION_CONFIG, tmp_path / "dagster.yaml")
    with temporary_pg_database("dagster_test") as url:
        parts = make_url(url)
        monkeypatch.setenv("DAGSTER_PG_HOST", parts.host or "")
        monkeypatch.setenv("DAGSTER_PG_PORT", str(parts.port or 5432))
        monkeypatch.setenv("DAGSTER_PG_USER", parts.username or "")
        monkeypatch.setenv("DAGSTER_PG_PASSWORD", parts.password or "")
        monkeypatch.setenv("DAGSTER_PG_DB", parts.database or "")
        # The config turns dagster-postgres' table check off (it would run at every opening,
        # each sensor tick in the code server): a fresh database has no tables until init.
        with (
            dg.DagsterInstance.from_config(str(tmp_path)) as bare,
            pytest.raises(ProgrammingError, match="does not exist"),
        ):
            bare.get_runs()
        with open_instance_at(tmp_path) as instance:
            assert type(instance.run_storage).__name__ == "PostgresRunStorage"
            _assert_shared_limits(instance)
            _assert_stores_events(instance)
        with open_instance_at(tmp_path) as again:  # tables already there: nothing to create
            assert len(again.get_runs()) == 1


def test_embedded_instance_uses_sqlite_with_the_same_limits(tmp_path: Path) -> None:
    home = write_embedded_instance(tmp_path / "home")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
        _assert_shared_limits(instance)
        _assert_stores_events(instance)
        assert (home / "storage" / "history" / "runs.db").is_file()


def test_dagster_home_must_be_absolute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", "relative/home")
    with pytest.raises(SettingsError, match="absolute"):
        dagster_home()


@pytest.mark.parametrize("value", ["zero", "0", "101"])
def test_bad_pool_limits_are_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SEOLOGY_CLAUDE_POOL_LIMIT", value)
    with pytest.raises(SettingsError, match="SEOLOGY_CLAUDE_POOL_LIMIT"):
        pool_limits()


def test_commands_opening_a_fresh_instance_at_once_leave_it_usable(tmp_path: Path) -> None:
    """``seology demo --serve &`` then ``seology dev`` create the embedded instance concurrently:
    each opening must wait for the other (two Alembic heads would make the home unusable)."""
    home = tmp_path / "dagster"
    env = os.environ | {"DAGSTER_HOME": str(home)}
    opener = "from seology_pipeline.cli.instance_cmds import init_instance; init_instance()"
    openers = [
        subprocess.Popen([sys.executable, "-c", opener], env=env, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    errors = [opener.communicate(timeout=120)[1].decode() for opener in openers]
    assert [opener.returncode for opener in openers] == [0] * 4, errors
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_runs() == []
        assert instance.event_log_storage.get_concurrency_info("browser").slot_count == 2
