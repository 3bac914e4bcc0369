"""A throwaway PostgreSQL cluster the test starts and stops itself (initdb + pg_ctl).

Runs as the ``postgres`` user when the tests run as root (PostgreSQL refuses root). Listens on
127.0.0.1 at a free port, with its socket in its own folder; removed afterwards.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"{name} not found: install the PostgreSQL server package")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *args: str) -> None:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        data, log = str(self.folder / "data"), str(self.folder / "log")
        self.run(_bin("pg_ctl"), "-D", data, "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stop at once, as a crash or an outage would (``-m immediate``)."""
        self.run(_bin("pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A started cluster with trust auth for ``postgres``; stopped and deleted afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="seology_pg_"))
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
    cluster = Cluster(folder, _free_port())
    try:
        cluster.run(
            _bin("initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "postgres", "-N"
        )
        cluster.start()
        yield cluster
    finally:
        with suppress(subprocess.CalledProcessError):  # already stopped
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
