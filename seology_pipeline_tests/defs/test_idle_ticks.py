"""Our sensors are quiet when there is nothing to do: an idle tick returns its skip reason and
logs nothing at INFO or above (the daemon evaluates most of them every 5 s)."""

from __future__ import annotations

import re

import dagster as dg
import pytest
from sqlalchemy import Engine

from seology_pipeline.definitions import defs
from seology_pipeline.defs.claude import ClaudeResource
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.sensors import removed_site_connections
from seology_pipeline.names import SITES_PARTITIONS

LOUD = re.compile(r" - dagster - (INFO|WARNING|ERROR|CRITICAL) - (.*)")


def _loud_lines(capture: pytest.CaptureFixture[str]) -> list[str]:
    """Lines a sensor's ``context.log`` wrote at INFO or above (its handler writes to stderr)."""
    return [match[2] for match in LOUD.finditer(capture.readouterr().err)]


SENSORS = [
    sensor
    for sensor in defs.get_repository_def().sensor_defs
    if not isinstance(sensor, dg.RunStatusSensorDefinition | dg.AutomationConditionSensorDefinition)
]


def test_the_idle_tick_check_covers_our_sensors() -> None:
    names = {sensor.name for sensor in SENSORS}
    assert {"app_requests", "job_runs", "dead_crawls", "due_recrawls"} <= names
    assert {"removed_site_connections", "analysis_batch_results"} <= names


@pytest.mark.parametrize("sensor", SENSORS, ids=lambda sensor: sensor.name)
def test_an_idle_tick_skips_without_logging(
    sensor: dg.SensorDefinition,
    app_engine: Engine,
    instance: dg.DagsterInstance,
    capfd: pytest.CaptureFixture[str],
) -> None:
    resources = {
        "database": DatabaseResource(url=app_engine.url.render_as_string(hide_password=False)),
        "claude": ClaudeResource(mode="offline"),
    }
    capfd.readouterr()
    with dg.build_sensor_context(instance=instance, resources=resources) as context:
        result = sensor(context)
    assert isinstance(result, dg.SkipReason), result
    assert _loud_lines(capfd) == []


def test_the_capture_sees_a_sensor_that_logs(
    app_engine: Engine, instance: dg.DagsterInstance, capfd: pytest.CaptureFixture[str]
) -> None:
    """A tick that does something logs, and the capture above would see an idle one that did."""
    instance.add_dynamic_partitions(SITES_PARTITIONS, ["gone"])
    resources = {
        "database": DatabaseResource(url=app_engine.url.render_as_string(hide_password=False))
    }
    capfd.readouterr()
    with dg.build_sensor_context(instance=instance, resources=resources) as context:
        removed_site_connections(context)
    assert _loud_lines(capfd) == ["removing partitions of 1 sites: gone"]
