"""Runs documented shell commands as a reader would: in the project folder, on a data folder of
the test's own, with ``.venv/bin/`` meaning this interpreter's bin folder."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from seology_pipeline.settings import PROJECT_ROOT

BIN = Path(sys.executable).parent


class DocShell:
    """Commands of a doc block, one at a time; ``export`` lines set the environment, ``&`` lines
    keep running in the background until the shell is closed."""

    def __init__(self, data_dir: Path) -> None:
        self.env = {**os.environ, "SEOLOGY_DATA_DIR": str(data_dir)}
        for name in ("SEOLOGY_DATABASE_URL", "DAGSTER_HOME", "SEOLOGY_DAGSTER_URL"):
            self.env.pop(name, None)
        self.log_dir = data_dir / "doc-shell"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.background: list[subprocess.Popen[bytes]] = []

    @staticmethod
    def _local(command: str) -> str:
        return command.replace(".venv/bin/", f"{BIN}/")

    def run(self, command: str, timeout: float = 300) -> str:
        """Run ``command``; its output, or an AssertionError with it when it fails."""
        if command.startswith("export "):
            name, _, value = command.removeprefix("export ").partition("=")
            self.env[name] = value
            return ""
        if command.endswith("&"):
            self.start(command.removesuffix("&").strip())
            return ""
        result = subprocess.run(
            ["bash", "-c", self._local(command)],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"`{command}` exited {result.returncode}:\n{output}"
        return output

    def start(self, command: str) -> subprocess.Popen[bytes]:
        """Start ``command`` in the background (its own process group, output to a log)."""
        log = (self.log_dir / f"{len(self.background)}.log").open("wb")
        process = subprocess.Popen(
            ["bash", "-c", f"exec {self._local(command)}"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.background.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.log_dir.glob("*.log"))
        )

    def close(self) -> None:
        for process in self.background:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.background:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@contextlib.contextmanager
def doc_shell(data_dir: Path) -> Iterator[DocShell]:
    shell = DocShell(data_dir)
    try:
        yield shell
    finally:
        shell.close()
