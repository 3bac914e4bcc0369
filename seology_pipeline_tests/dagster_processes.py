"""A real Dagster deployment for tests: ``dagster-webserver`` then ``dagster-daemon`` as
subprocesses on a given DAGSTER_HOME, each leading its own process group so that stopping it
also stops the code servers, run workers and browsers it started."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from seology_pipeline.settings import PROJECT_ROOT

BIN = Path(sys.executable).parent
READY_TIMEOUT = 180
CODE_SERVER_ARGS = ["-m", "seology_pipeline.definitions", "--location-name", "seology_pipeline"]
LOCATION_QUERY = """
{ workspaceOrError { ... on Workspace { locationEntries { name
  locationOrLoadError { __typename ... on RepositoryLocation { repositories { name
    jobs { name } } } ... on PythonError { message } } } } } }
"""


@dataclass
class DagsterStack:
    url: str
    jobs: set[str]
    log_dir: Path
    daemon_pid: int
    code_server_pid: int | None = None
    """The standalone code server (``code_server=True``), which the daemon does not start."""

    def logs(self, tail: int = 3000) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-tail:]}"
            for path in sorted(self.log_dir.glob("*.log"))
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _location(url: str) -> dict | None:
    try:
        answer = httpx.post(f"{url}/graphql", json={"query": LOCATION_QUERY}, timeout=10)
    except httpx.HTTPError:
        return None
    entries = answer.json()["data"]["workspaceOrError"].get("locationEntries") or []
    for entry in entries:
        if entry["name"] == "seology_pipeline" and entry["locationOrLoadError"]:
            return entry["locationOrLoadError"]
    return None


def _signal_group(process: subprocess.Popen, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = log.open("wb")
    return subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=handle, stderr=handle, start_new_session=True
    )


def _wait_for_port(port: int, server: subprocess.Popen, logs: Path) -> None:
    """The code server binds its port once it has loaded the code location."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        assert server.poll() is None, (logs / "code_server.log").read_text()[-3000:]
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AssertionError(f"code server not ready in {READY_TIMEOUT} s")


def _wait_for_location(url: str, web: subprocess.Popen, logs: Path) -> dict:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        assert web.poll() is None, (logs / "webserver.log").read_text()[-3000:]
        location = _location(url)
        if location and location["__typename"] == "RepositoryLocation":
            return location
        assert not location or location["__typename"] != "PythonError", location
        time.sleep(1)
    raise AssertionError(f"webserver not ready in {READY_TIMEOUT} s")


@contextlib.contextmanager
def dagster_stack(
    env: dict[str, str], log_dir: Path, code_server: bool = False
) -> Iterator[DagsterStack]:
    """Start the webserver (and its code server), wait for the code location, then the daemon
    (a daemon started first can fail an automation run); stop every group on exit.

    With ``code_server`` the production layout: one standalone code server
    (``dagster api grpc``) that webserver and daemon share through ``deploy/workspace.yaml``.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    processes: list[subprocess.Popen] = []
    workspace = "workspace.yaml"
    try:
        if code_server:
            env = {**env, "DAGSTER_CODE_SERVER_HOST": "127.0.0.1"}
            env["DAGSTER_CODE_SERVER_PORT"] = str(free_port())
            server = [str(BIN / "dagster"), "api", "grpc", *CODE_SERVER_ARGS]
            server += ["-h", "127.0.0.1", "-p", env["DAGSTER_CODE_SERVER_PORT"]]
            processes.append(_start(server, env, log_dir / "code_server.log"))
            _wait_for_port(int(env["DAGSTER_CODE_SERVER_PORT"]), processes[0], log_dir)
            workspace = "deploy/workspace.yaml"
        web = [str(BIN / "dagster-webserver"), "-w", workspace, "-h", "127.0.0.1"]
        processes.append(_start([*web, "-p", str(port)], env, log_dir / "webserver.log"))
        location = _wait_for_location(url, processes[-1], log_dir)
        daemon = [str(BIN / "dagster-daemon"), "run", "-w", workspace]
        processes.append(_start(daemon, env, log_dir / "daemon.log"))
        jobs = {job["name"] for repo in location["repositories"] for job in repo["jobs"]}
        yield DagsterStack(
            url=url,
            jobs=jobs,
            log_dir=log_dir,
            daemon_pid=processes[-1].pid,
            code_server_pid=processes[0].pid if code_server else None,
        )
    finally:
        for process in reversed(processes):
            _signal_group(process, signal.SIGTERM)
        for process in reversed(processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=10)
        for process in processes:
            _signal_group(process, signal.SIGKILL)  # stragglers of the group, if any


@contextlib.contextmanager
def dagster_webserver(env: dict[str, str], log_dir: Path) -> Iterator[str]:
    """Only the webserver (and its code server), ready with the code location: launched runs
    stay queued without a daemon. Yields its URL; stops its process group on exit."""
    log_dir.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{free_port()}"
    command = [str(BIN / "dagster-webserver"), "-w", "workspace.yaml", "-h", "127.0.0.1"]
    web = _start([*command, "-p", url.rsplit(":", 1)[1]], env, log_dir / "webserver.log")
    try:
        _wait_for_location(url, web, log_dir)
        yield url
    finally:
        _signal_group(web, signal.SIGTERM)
        try:
            web.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _signal_group(web, signal.SIGKILL)
            web.wait(timeout=10)
