from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from seology_pipeline_tests.databases import app_engine

__all__ = ["app_engine", "instance"]


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    """A real (SQLite) Dagster instance in a temporary folder."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as dagster_instance:
        yield dagster_instance
