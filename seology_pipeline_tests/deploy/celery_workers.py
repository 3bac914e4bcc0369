"""Celery pieces for tests: a RabbitMQ vhost of the test's own and ``seology worker`` processes.

Each worker leads its own process group; stopping it stops only that group. The vhost is
created with ``rabbitmqctl`` and deleted afterwards (with every queue in it).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from seology_pipeline.settings import PROJECT_ROOT

BIN = Path(sys.executable).parent
READY_TIMEOUT = 60


def _rabbitmqctl(*args: str) -> None:
    try:
        subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.fail(
            f"RabbitMQ is required for this test: `rabbitmqctl {' '.join(args)}` failed ({exc})",
            pytrace=False,
        )


@contextlib.contextmanager
def rabbitmq_vhost(user: str = "guest", password: str = "guest") -> Iterator[str]:
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
