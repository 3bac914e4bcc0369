"""The code location loads and validates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from seology_pipeline.definitions import defs
from seology_pipeline.defs.partitions import sites_partitions
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.instance import write_embedded_instance
from seology_pipeline.settings import PROJECT_ROOT


def test_definitions_load_with_the_database_resource() -> None:
    assert isinstance(defs.resources["database"], DatabaseResource)
    assert defs.get_repository_def().get_top_level_resources()["database"] is not None
    assert sites_partitions.name == "sites"


def test_dagster_validates_the_workspace(tmp_path: Path) -> None:
    home = write_embedded_instance(tmp_path / "home")
    result = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"DAGSTER_HOME": str(home)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation successful" in result.stdout + result.stderr
