"""The Kubernetes deployment files: the Helm values parse and name only keys of the chart's schema,
agree with ``dagster.yaml``, and the Dockerfile builds the image the values refer to."""

from __future__ import annotations

from typing import Any

import yaml

from seology_pipeline.instance import production_config
from seology_pipeline.names import CODE_LOCATION
from seology_pipeline.settings import PROJECT_ROOT

VALUES = PROJECT_ROOT / "deploy" / "k8s" / "values.yaml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"

# The part of the Dagster chart's values.schema.json (chart 1.13.x, generated from
# helm/dagster/schema/schema/charts in dagster-io/dagster) that the values file uses: the keys an
# object accepts; None marks a value the schema leaves open (a string, a Kubernetes object, a
# free-form dict); a one-element list is an array of such objects.
_IMAGE = {"repository": None, "tag": None, "pullPolicy": None}
_K8S_POD = dict.fromkeys(
    [
        "env",
        "envConfigMaps",
        "envSecrets",
        "labels",
        "annotations",
        "nodeSelector",
        "affinity",
        "tolerations",
        "podSecurityContext",
        "securityContext",
        "resources",
        "livenessProbe",
        "readinessProbe",
        "startupProbe",
        "volumeMounts",
        "volumes",
        "schedulerName",
    ]
)
_TAG_LIMIT = {"key": None, "value": {"applyLimitPerUniqueValue": None}, "limit": None}
HELM_SCHEMA_KEYS: dict[str, Any] = {
    "global": dict.fromkeys(
        [
            "postgresqlSecretName",
            "dagsterHome",
            "serviceAccountName",
            "celeryConfigSecretName",
            "dagsterInstanceConfigMap",
        ]
    ),
    "postgresql": {
        "image": _IMAGE,
        "enabled": None,
        "postgresqlHost": None,
        "postgresqlUsername": None,
        "postgresqlPassword": None,
        "postgresqlSecretKeyRefKey": None,
        "postgresqlDatabase": None,
        "postgresqlParams": None,
        "postgresqlScheme": None,
        "service": {"port": None},
    },
    "generatePostgresqlPasswordSecret": None,
    "dagster-user-deployments": {
        "enabled": None,
        "enableSubchart": None,
        "imagePullSecrets": None,
        "deployments": [
            {
                **_K8S_POD,
                "name": None,
                "image": _IMAGE,
                "dagsterApiGrpcArgs": None,
                "codeServerArgs": None,
                "includeConfigInLaunchedRuns": {"enabled": None},
                "deploymentNamespace": None,
                "port": None,
                "replicaCount": None,
                "initContainers": None,
                "sidecarContainers": None,
                "deploymentStrategy": None,
            }
        ],
    },
    "dagsterWebserver": {
        **_K8S_POD,
        "replicaCount": None,
        "image": _IMAGE,
        "nameOverride": None,
        "pathPrefix": None,
        "service": None,
        "workspace": {
            "enabled": None,
            "servers": [{"host": None, "port": None, "name": None, "ssl": None}],
            "externalConfigmap": None,
        },
        "deploymentLabels": None,
        "enableReadOnly": None,
        "dbStatementTimeout": None,
        "dbPoolRecycle": None,
        "logLevel": None,
    },
    "runLauncher": {
        "type": None,
        "config": {
            "k8sRunLauncher": {
                "image": _IMAGE,
                "imagePullPolicy": None,
                "jobNamespace": None,
                "loadInclusterConfig": None,
                "kubeconfigFile": None,
                "envConfigMaps": None,
                "envSecrets": None,
                "envVars": None,
                "volumeMounts": None,
                "volumes": None,
                "labels": None,
                "failPodOnRunFailure": None,
                "resources": None,
                "schedulerName": None,
                "securityContext": None,
                "runK8sConfig": None,
            }
        },
    },
    "dagsterDaemon": {
        **_K8S_POD,
        "enabled": None,
        "image": _IMAGE,
        "runCoordinator": {
            "enabled": None,
            "type": None,
            "config": {
                "queuedRunCoordinator": {
                    "maxConcurrentRuns": None,
                    "tagConcurrencyLimits": [_TAG_LIMIT],
                    "dequeueIntervalSeconds": None,
                    "dequeueNumWorkers": None,
                    "dequeueUseThreads": None,
                }
            },
        },
        "heartbeatTolerance": None,
        "deploymentLabels": None,
        "runMonitoring": None,
        "runRetries": None,
        "sensors": None,
        "schedules": None,
    },
    "concurrency": {
        "enabled": None,
        "pools": {"defaultLimit": None, "granularity": None, "opGranularityRunBuffer": None},
        "runs": {"maxConcurrentRuns": None, "tagConcurrencyLimits": [_TAG_LIMIT]},
    },
    "telemetry": {"enabled": None},
}


def _unknown_keys(value: Any, schema: Any, path: str = "") -> list[str]:
    if schema is None:
        return []
    if isinstance(schema, list):
        assert isinstance(value, list), f"{path} must be a list"
        return [k for i, item in enumerate(value) for k in _unknown_keys(item, schema[0], path)]
    assert isinstance(value, dict), f"{path} must be a mapping"
    unknown = [f"{path}.{key}" for key in value if key not in schema]
    return unknown + [
        k
        for key, item in value.items()
        if key in schema
        for k in _unknown_keys(item, schema[key], f"{path}.{key}")
    ]


def _values() -> dict[str, Any]:
    return yaml.safe_load(VALUES.read_text())


def test_the_helm_values_name_only_keys_of_the_charts_schema() -> None:
    assert _unknown_keys(_values(), HELM_SCHEMA_KEYS) == []


def test_the_key_check_catches_a_misspelt_key() -> None:
    values = _values()
    values["runLauncher"]["config"]["k8sRunLauncher"]["envSecret"] = []
    assert _unknown_keys(values, HELM_SCHEMA_KEYS) == [
        ".runLauncher.config.k8sRunLauncher.envSecret"
    ]


def test_the_helm_values_keep_the_limits_of_dagster_yaml() -> None:
    values, config = _values(), production_config()
    queued = values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    runs = config["concurrency"]["runs"]
    assert queued["maxConcurrentRuns"] == runs["max_concurrent_runs"]
    assert queued["tagConcurrencyLimits"] == runs["tag_concurrency_limits"]
    pools = values["concurrency"]["pools"]
    assert pools == {
        "defaultLimit": config["concurrency"]["pools"]["default_limit"],
        "granularity": config["concurrency"]["pools"]["granularity"],
    }
    monitoring = values["dagsterDaemon"]["runMonitoring"]
    assert monitoring["maxRuntimeSeconds"] == config["run_monitoring"]["max_runtime_seconds"]
    assert (
        values["dagsterDaemon"]["runRetries"]["maxRetries"] == config["run_retries"]["max_retries"]
    )
    assert values["postgresql"]["postgresqlScheme"] == "postgresql+psycopg2"


def test_the_code_location_keeps_its_name_and_module() -> None:
    values = _values()
    [deployment] = values["dagster-user-deployments"]["deployments"]
    assert deployment["dagsterApiGrpcArgs"] == ["-m", "seology_pipeline.definitions"]
    [server] = values["dagsterWebserver"]["workspace"]["servers"]
    assert server["name"] == CODE_LOCATION
    assert (server["host"], server["port"]) == (deployment["name"], deployment["port"])
    resources = values["runLauncher"]["config"]["k8sRunLauncher"]["resources"]
    assert set(resources) == {"requests", "limits"} and "memory" in resources["requests"]


def test_the_dockerfile_builds_a_non_root_image_with_the_browser() -> None:
    lines = DOCKERFILE.read_text().splitlines()
    assert lines[next(i for i, line in enumerate(lines) if line.startswith("FROM"))] == (
        "FROM python:3.11-slim"
    )
    text = "\n".join(lines)
    assert "chromium-headless-shell" in text and "-c constraints.txt" in text
    assert any(line.startswith("USER ") and "root" not in line for line in lines)
    assert '"-m", "seology_pipeline.definitions"' in text
