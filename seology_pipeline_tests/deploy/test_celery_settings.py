"""Celery settings, the instance file ``seology instance init --celery`` writes, the worker's
command line and app."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from seology_pipeline.cli.main import cli
from seology_pipeline.deploy.celery_app import CODE_MODULE, worker_app, worker_argv
from seology_pipeline.deploy.celery_instance import QUEUE, celery_instance_config
from seology_pipeline.deploy.settings import (
    BACKEND_SETTING,
    BROKER_SETTING,
    CONCURRENCY_SETTING,
    CelerySettings,
)
from seology_pipeline.instance import production_config
from seology_pipeline.settings import SettingsError, celery_settings


def test_defaults_are_the_local_services(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (BROKER_SETTING, BACKEND_SETTING, CONCURRENCY_SETTING):
        monkeypatch.delenv(name, raising=False)
    assert celery_settings() == CelerySettings(
        "amqp://guest:guest@127.0.0.1:5672//", "redis://127.0.0.1:6379/0", 2
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (CONCURRENCY_SETTING, "0", "between 1 and 64"),
        (CONCURRENCY_SETTING, "two", "whole number"),
        (BROKER_SETTING, "redis://user:secret@mq:6379/0", "amqp://"),
        (BACKEND_SETTING, "rpc://", "redis://"),
    ],
)
def test_bad_settings_are_refused_without_echoing_urls(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name) as error:
        celery_settings()
    assert message in str(error.value) and "secret" not in str(error.value)


def test_the_celery_instance_is_the_production_one_with_the_celery_launcher() -> None:
    config = celery_instance_config()
    launcher = config.pop("run_launcher")
    assert config == production_config()
    assert launcher["class"] == "CeleryRunLauncher"
    assert launcher["config"]["broker"] == {"env": BROKER_SETTING}
    assert launcher["config"]["backend"] == {"env": BACKEND_SETTING}
    assert launcher["config"]["default_queue"] == QUEUE


def test_instance_init_celery_needs_the_broker_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.delenv(BROKER_SETTING, raising=False)
    result = CliRunner().invoke(cli, ["instance", "init", "--celery"])
    assert result.exit_code == 2
    assert f"{BROKER_SETTING} must be set" in result.output
    assert not (tmp_path / "dagster.yaml").exists()


def test_the_worker_takes_one_run_at_a_time_per_process() -> None:
    settings = CelerySettings("amqp://guest:guest@127.0.0.1:5672//", "redis://127.0.0.1:6379/0", 3)
    argv = worker_argv(settings, "alpha")
    assert argv[0] == "worker" and "--hostname=alpha@%h" in argv
    assert {"--concurrency=3", "--prefetch-multiplier=1", f"--queues={QUEUE}"} <= set(argv)
    app = worker_app(settings)
    assert {"execute_job", "resume_job"} <= set(app.tasks)
    assert app.conf.result_extended and list(app.conf.include) == [CODE_MODULE]
