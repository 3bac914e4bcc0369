"""The data folder is private (0700); the SQLite database and reports are 0600."""

from __future__ import annotations

import fcntl
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from seology_pipeline.db.engine import make_engine
from seology_pipeline.files import write_private_text
from seology_pipeline.instance import write_embedded_instance


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_reports_and_instance_in_the_data_folder_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("SEOLOGY_DATA_DIR", str(data))
    monkeypatch.delenv("SEOLOGY_DATABASE_URL", raising=False)
    engine = make_engine()
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
    try:
        assert mode(data) == 0o700
        assert mode(data / "seology.db") == 0o600
        assert mode(data / "seology.db-wal") == 0o600  # SQLite copies the database's mode
        report = write_private_text(data / "reports" / "site-1.html", "<html></html>")
        assert (mode(report.parent), mode(report)) == (0o700, 0o600)
        home = write_embedded_instance(data / "dagster_home")
        assert mode(home) == 0o700
    finally:
        engine.dispose()


def test_an_existing_data_folder_and_database_are_tightened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp_path.chmod(0o755)
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "seology.db").touch(mode=0o644)
    (data / "seology.db").chmod(0o644)
    monkeypatch.setenv("SEOLOGY_DATA_DIR", str(data))
    monkeypatch.delenv("SEOLOGY_DATABASE_URL", raising=False)
    make_engine().dispose()
    assert (mode(data), mode(data / "seology.db")) == (0o700, 0o600)
    assert mode(tmp_path) == 0o755  # folders above the data folder are left alone


def test_a_report_outside_the_data_folder_is_private_and_its_folder_untouched(
    tmp_path: Path,
) -> None:
    tmp_path.chmod(0o755)
    report = write_private_text(tmp_path / "out.html", "<p>x</p>")
    assert (mode(report), mode(tmp_path)) == (0o600, 0o755)


def test_a_new_engine_keeps_the_locks_this_process_holds_on_the_database(
    tmp_path: Path,
) -> None:
    """SQLite's locks are POSIX locks, which a process loses when it closes any descriptor of the
    file: making a second engine on an open database must not open the file itself."""
    database = tmp_path / "app.db"
    make_engine(f"sqlite:///{database}").dispose()
    holder = os.open(database, os.O_RDWR)
    try:
        fcntl.lockf(holder, fcntl.LOCK_SH)
        make_engine(f"sqlite:///{database}").dispose()
        probe = (
            "import fcntl, os, sys\n"
            "fd = os.open(sys.argv[1], os.O_RDWR)\n"
            "try:\n"
            "    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
            "    print('taken')\n"
            "except OSError:\n"
            "    print('held')\n"
        )
        other = subprocess.run(
            [sys.executable, "-c", probe, str(database)], capture_output=True, text=True
        )
        assert other.stdout.strip() == "held", other.stderr
    finally:
        os.close(holder)
