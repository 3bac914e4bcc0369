"""A Celery deployment for tests and benchmarks, all of it created here and removed afterwards:
PostgreSQL databases (Dagster's and the app's), a RabbitMQ vhost, webserver and daemon on the
instance ``seology instance init --celery`` writes, and ``seology worker`` processes.

Each worker leads its own process group; stopping it stops only that group. The vhost is
created with ``rabbitmqctl`` and deleted afterwards (with every queue in it).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import psutil
import pytest
import yaml
from celery import Celery
from dagster_graphql import DagsterGraphQLClient
from sqlalchemy import Engine

from seology_pipeline.cli.instance_cmds import open_instance_at
from seology_pipeline.deploy.celery_instance import write_celery_instance
from seology_pipeline.deploy.settings import BACKEND_SETTING, BROKER_SETTING
from seology_pipeline.names import CRAWL_JOB, FIRST_CRAWL_JOB, PARTITION_TAG
from seology_pipeline.settings import PROJECT_ROOT
from seology_pipeline_tests.dagster_processes import DagsterStack, dagster_stack
from seology_pipeline_tests.databases import (
    dagster_pg_env,
    migrated_engine,
    temporary_pg_database,
)

BIN = Path(sys.executable).parent
READY_TIMEOUT = 120
TIMEOUT_S = 120
BACKEND_URL = "redis://127.0.0.1:6379/0"
DONE = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}


def _missing_service(reason: str) -> None:
    """Fail in CI (``CI`` set: the services always run there); elsewhere skip, saying why, so
    ``scripts/dev test`` copes on a machine without RabbitMQ or Redis."""
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(f"{reason} (CI runs this test)")


def require_broker_and_backend() -> None:
    """RabbitMQ on 127.0.0.1:5672 and Redis on 127.0.0.1:6379 answer, or the test cannot run."""
    for name, port in (("RabbitMQ", 5672), ("Redis", 6379)):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=3).close()
        except OSError as exc:
            _missing_service(
                f"{name} is required for this test and not running on 127.0.0.1:{port} ({exc})"
            )


def _rabbitmqctl(*args: str) -> None:
    try:
        subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.CalledProcessError) as exc:
        _missing_service(
            f"RabbitMQ is required for this test: `rabbitmqctl {' '.join(args)}` failed ({exc})"
        )


@contextlib.contextmanager
def rabbitmq_vhost(user: str = "guest", password: str = "guest") -> Iterator[str]:
    require_broker_and_backend()
    """A fresh vhost on the local RabbitMQ for ``user``; yields its broker URL, then deletes it."""
    vhost = f"seology_test_{uuid.uuid4().hex[:12]}"
    _rabbitmqctl("add_vhost", vhost)
    try:
        _rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
        yield f"amqp://{user}:{password}@127.0.0.1:5672/{vhost}"
    finally:
        _rabbitmqctl("delete_vhost", vhost)


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log: Path

    def pool_pids(self) -> set[int]:
        """The worker's pool processes (where runs execute)."""
        return {child.pid for child in psutil.Process(self.process.pid).children()}

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # stragglers of the group


@contextlib.contextmanager
def celery_worker(
    name: str, env: dict[str, str], log_dir: Path, concurrency: int = 1
) -> Iterator[Worker]:
    """``seology worker --name NAME`` as a subprocess, once it says it is ready."""
    log = log_dir / f"worker-{name}.log"
    env = env | {"SEOLOGY_CELERY_WORKER_CONCURRENCY": str(concurrency)}
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [str(BIN / "seology"), "worker", "--name", name],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=handle,
            stderr=handle,
            start_new_session=True,
        )
    worker = Worker(name, process, log)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while b" ready." not in log.read_bytes():
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, f"worker {name} not ready in {READY_TIMEOUT} s"
            time.sleep(0.2)
        yield worker
    finally:
        worker.stop()


@dataclass
class Deployment:
    """A running deployment: its webserver and daemon, the Dagster instance, the app database,
    the environment of its processes, and the workers started so far (by name)."""

    stack: DagsterStack
    instance: dg.DagsterInstance
    engine: Engine
    env: dict[str, str]
    log_dir: Path
    workers: dict[str, tuple[Worker, contextlib.ExitStack]] = field(default_factory=dict)

    def worker(self, name: str) -> Worker:
        """The running worker ``name`` (concurrency 1), started if needed."""
        if name not in self.workers:
            stack = contextlib.ExitStack()
            self.workers[name] = (
                stack.enter_context(celery_worker(name, self.env, self.log_dir)),
                stack,
            )
        return self.workers[name][0]

    def stop_workers(self) -> None:
        while self.workers:
            _, stack = self.workers.pop(next(iter(self.workers)))
            stack.close()

    @property
    def celery(self) -> Celery:
        return self.instance.run_launcher.celery

    def graphql(self) -> DagsterGraphQLClient:
        host, port = self.stack.url.removeprefix("http://").split(":")
        return DagsterGraphQLClient(host, port_number=int(port))

    def wait_for(self, what: str, check: Callable[[], Any], timeout_s: float = TIMEOUT_S) -> Any:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.5)
        worker_logs = "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in self.log_dir.glob("worker-*.log")
        )
        raise AssertionError(f"timed out waiting for {what}\n{self.stack.logs()}\n{worker_logs}")

    def site_runs(self, site_id: str) -> list[dg.DagsterRun]:
        """The crawl runs of ``site_id`` (its first crawl and re-crawls), oldest first."""
        runs = self.instance.get_runs(dg.RunsFilter(tags={PARTITION_TAG: site_id}))
        return [run for run in reversed(runs) if run.job_name in (FIRST_CRAWL_JOB, CRAWL_JOB)]

    def finished(self, run_ids: list[str]) -> list[dg.DagsterRun] | None:
        runs = self.instance.get_runs(dg.RunsFilter(run_ids=run_ids))
        return runs if len(runs) == len(run_ids) and all(r.status in DONE for r in runs) else None


@contextlib.contextmanager
def celery_deployment(tmp: Path, monitoring_poll_s: int = 2, **env: str) -> Iterator[Deployment]:
    """Everything above, started; ``env`` adds settings for the webserver, daemon and workers.
    Run monitoring looks at run workers every ``monitoring_poll_s`` (30 s in production) so that
    a lost one is seen soon. Sets the instance's variables in ``os.environ`` while it runs."""
    home = tmp / "dagster_home"
    with (
        temporary_pg_database("dagster_celery") as dagster_db,
        temporary_pg_database("app_celery") as app_db,
        migrated_engine(app_db) as engine,
        rabbitmq_vhost() as broker_url,
        pytest.MonkeyPatch.context() as patch,
    ):
        settings = {
            **dagster_pg_env(dagster_db),
            BROKER_SETTING: broker_url,
            BACKEND_SETTING: BACKEND_URL,
            "DAGSTER_HOME": str(home),
        }
        for name, value in settings.items():
            patch.setenv(name, value)
        config_file = write_celery_instance(home)
        config = yaml.safe_load(config_file.read_text())
        config["run_monitoring"]["poll_interval_seconds"] = monitoring_poll_s
        config_file.write_text(yaml.safe_dump(config))
        process_env = {
            **os.environ,
            "SEOLOGY_DATABASE_URL": app_db,
            "SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST": "127.0.0.1",
            "SEOLOGY_ANALYSIS_MODE": "offline",
            **env,
        }
        log_dir = tmp / "logs"
        with (
            open_instance_at(home) as instance,
            dagster_stack(process_env, log_dir) as stack,
        ):
            deployed = Deployment(stack, instance, engine, process_env, log_dir)
            try:
                yield deployed
            finally:
                deployed.stop_workers()
