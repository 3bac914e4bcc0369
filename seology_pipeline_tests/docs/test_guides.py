"""The blocks of the guides in docs/, run as an operator would."""

from __future__ import annotations

from pathlib import Path

from seology_pipeline.instance import write_embedded_instance
from seology_pipeline_tests.docs.blocks import commands, doc_block
from seology_pipeline_tests.docs.shell import doc_shell


def test_sensor_commands_of_the_operating_guide(tmp_path: Path) -> None:
    list_sensors, start_sensor = commands(doc_block("sensor-commands"))
    with doc_shell(tmp_path) as shell:
        shell.env["DAGSTER_HOME"] = str(write_embedded_instance(tmp_path / "home"))
        listed = shell.run(list_sensors)
        for sensor in ("app_requests", "due_recrawls", "job_runs"):
            assert sensor in listed, listed
        assert "app_requests" in shell.run(start_sensor)
