"""A crawl launched the way the UI's launchpad does it (GraphQL on a real ``dagster-webserver``):
job ``crawl_site``, a site's partition and its config; the run carries the manual priority, and
config the schema can check is refused before any run exists."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
import pytest
import yaml

from seology_pipeline.definitions import defs
from seology_pipeline.instance import write_embedded_instance
from seology_pipeline.names import (
    CODE_LOCATION,
    CRAWL_JOB,
    MANUAL_PRIORITIES,
    MANUAL_TRIGGER,
    PARTITION_TAG,
    PRIORITY_TAG,
    REPOSITORY_NAME,
    SITES_PARTITIONS,
    TRIGGER_TAG,
    priority_tags,
)
from seology_pipeline_tests.dagster_processes import dagster_webserver
from seology_pipeline_tests.docs.blocks import doc_block

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchPipelineExecution(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId status tags { key value } } }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on PythonError { message }
  }
}
"""
VALIDATE = """
query Valid($selector: PipelineSelector!, $config: RunConfigData) {
  isPipelineConfigValid(pipeline: $selector, mode: "default", runConfigData: $config) {
    __typename
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""
SELECTOR = {
    "repositoryLocationName": CODE_LOCATION,
    "repositoryName": REPOSITORY_NAME,
    "pipelineName": CRAWL_JOB,
}
SITE = "launchpad-site"


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real webserver (no daemon: launched runs stay queued) on an embedded instance."""
    root = tmp_path_factory.mktemp("launchpad")
    home = write_embedded_instance(root / "home")
    env = os.environ | {"DAGSTER_HOME": str(home), "SEOLOGY_DATA_DIR": str(root / "data")}
    with dagster_webserver(env, root / "logs") as url:
        yield url, home


def _graphql(url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables}, timeout=60)
    body = answer.json()
    assert answer.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]


def _launch(url: str, config: dict[str, Any]) -> dict[str, Any]:
    """The launchpad's launch: the job, the run config, the partition picked as a tag."""
    params = {
        "selector": SELECTOR,
        "mode": "default",
        "runConfigData": config,
        "executionMetadata": {"tags": [{"key": PARTITION_TAG, "value": SITE}]},
    }
    return _graphql(url, LAUNCH, {"params": params})["launchPipelineExecution"]


def _crawl_config(values: dict[str, Any]) -> dict[str, Any]:
    return {"ops": {"crawled_pages": {"config": values}}}


def test_the_crawl_job_carries_the_manual_priority() -> None:
    tags = defs.resolve_job_def(CRAWL_JOB).tags
    assert tags[PRIORITY_TAG] == str(MANUAL_PRIORITIES["normal"])
    assert priority_tags(MANUAL_PRIORITIES["normal"]).items() <= tags.items()
    assert tags[TRIGGER_TAG] == MANUAL_TRIGGER


def test_a_launchpad_launch_runs_at_the_manual_priority_with_its_config(
    webserver: tuple[str, Path],
) -> None:
    """The operating guide's launchpad config, launched as the UI launches it."""
    config = yaml.safe_load(doc_block("launchpad-crawl-config").text)
    url, home = webserver
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.add_dynamic_partitions(SITES_PARTITIONS, [SITE])
        launched = _launch(url, config)
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run = instance.get_run_by_id(launched["run"]["runId"])
    assert run is not None and run.job_name == CRAWL_JOB
    assert run.tags[PRIORITY_TAG] == str(MANUAL_PRIORITIES["normal"])
    assert run.tags[TRIGGER_TAG] == MANUAL_TRIGGER and run.tags[PARTITION_TAG] == SITE
    assert run.run_config == config and config["ops"]["crawled_pages"]["config"]["max_pages"] == 200


@pytest.mark.parametrize(
    ("config", "field"),
    [
        (_crawl_config({"max_pages": "many"}), "max_pages"),
        (_crawl_config({"max_pages": True}), "max_pages"),
        (_crawl_config({"pages": 5}), "pages"),
        ({"resources": {"crawler": {"config": {"render_mode": "sometimes"}}}}, "render_mode"),
        ({"resources": {"claude": {"config": {"mode": "online"}}}}, "mode"),
    ],
)
def test_the_launchpad_refuses_bad_config_before_any_run(
    webserver: tuple[str, Path], config: dict[str, Any], field: str
) -> None:
    url, home = webserver
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs_before = instance.get_runs_count()
    checked = _graphql(url, VALIDATE, {"selector": SELECTOR, "config": config})
    verdict = checked["isPipelineConfigValid"]
    assert verdict["__typename"] == "RunConfigValidationInvalid", verdict
    assert any(field in error["message"] for error in verdict["errors"]), verdict
    launched = _launch(url, config)
    assert launched["__typename"] == "RunConfigValidationInvalid", launched
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_runs_count() == runs_before
