"""``seology instance`` and ``seology dev``: the embedded Dagster instance."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from pathlib import Path

import click
import dagster as dg
import yaml
from filelock import FileLock

from seology_pipeline.deploy.celery_instance import write_celery_instance
from seology_pipeline.instance import (
    apply_pool_limits,
    check_instance_config,
    dagster_home,
    write_embedded_instance,
)
from seology_pipeline.settings import PROJECT_ROOT, load_settings


@click.group()
def instance() -> None:
    """The Dagster instance (DAGSTER_HOME)."""


def create_storage_tables(home: Path) -> None:
    """Create the PostgreSQL storage's tables where they are missing.

    The production config sets ``should_autocreate_tables: false``: otherwise dagster-postgres
    inspects its tables at every opening of the instance, which the code server does for each
    sensor tick. Here the same storage is opened once with the check on (public API only: an
    instance built from a scratch config).
    """
    config = yaml.safe_load((home / "dagster.yaml").read_text()) or {}
    postgres = (config.get("storage") or {}).get("postgres")
    if not postgres or postgres.get("should_autocreate_tables", True):
        return
    with tempfile.TemporaryDirectory() as scratch:
        storage = {"postgres": postgres | {"should_autocreate_tables": True}}
        (Path(scratch) / "dagster.yaml").write_text(yaml.safe_dump({"storage": storage}))
        dg.DagsterInstance.from_config(scratch).dispose()


def open_instance_at(home: Path) -> dg.DagsterInstance:
    """The instance of ``home/dagster.yaml``, its storage tables created if needed and the pool
    limits applied (what ``seology instance init`` does before a deployment starts)."""
    create_storage_tables(home)
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        apply_pool_limits(instance)
    except BaseException:
        instance.dispose()
        raise
    return instance


def open_instance() -> dg.DagsterInstance:
    """The instance at DAGSTER_HOME, its embedded config written if needed, with the pool limits
    applied: opened once (each opening of a SQLite instance checks its storage schemas).

    Commands open it one at a time (a lock file in DAGSTER_HOME): two processes creating a fresh
    SQLite instance at once (``seology demo --serve &`` then ``seology dev``) would both stamp
    its schedule storage and leave it with two Alembic heads, unusable.
    """
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    with FileLock(home / ".seology-open.lock"):
        if not (home / "dagster.yaml").exists() or load_settings().dagster_home is None:
            write_embedded_instance(home)
        check_instance_config(home)
        return open_instance_at(home)


def init_instance() -> str:
    """Write the embedded instance config if needed and apply the pool limits; returns the home."""
    with open_instance():
        return str(dagster_home())


@instance.command("init")
@click.option(
    "--celery",
    is_flag=True,
    help="Write the PostgreSQL instance with the Celery run launcher to DAGSTER_HOME instead.",
)
def init_command(celery: bool) -> None:
    """Create the embedded SQLite instance (if DAGSTER_HOME has none) or a PostgreSQL instance's
    tables, and set pool limits."""
    home = init_celery_instance() if celery else init_instance()
    click.echo(f"Dagster instance ready at {home}")


def init_celery_instance() -> str:
    """Write the Celery instance config (PostgreSQL, Celery run launcher) and apply the pool
    limits; needs DAGSTER_PG_* and SEOLOGY_CELERY_* in the environment."""
    home = dagster_home()
    write_celery_instance(home)
    open_instance_at(home).dispose()
    return str(home)


@click.command()
@click.option("--port", default=3000, show_default=True, help="Port of the Dagster UI.")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
    help="Daemon and webserver log level; warning drops the per-tick sensor lines.",
)
def dev(port: int, log_level: str) -> None:
    """Run the Dagster UI and daemon on the embedded instance (http://127.0.0.1:PORT)."""
    home = init_instance()
    env = os.environ | {"DAGSTER_HOME": home}
    command = [sys.executable, "-m", "dagster", "dev", "-w", "workspace.yaml", "-p", str(port)]
    command += ["--log-level", log_level]
    click.echo(f"Dagster UI on http://127.0.0.1:{port} (DAGSTER_HOME={home}); Ctrl-C stops it")
    sys.stdout.flush()
    # ``dagster dev`` replaces this process, so a SIGTERM (``kill``, a service manager) reaches
    # it and it stops its webserver, daemon and code servers; as a child it was left running.
    # Dagster handles SIGTERM as it handles SIGINT, which a shell ignores in the commands it
    # starts in the background (``seology dev &``): SIGINT is given back its default first.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.chdir(PROJECT_ROOT)
    os.execve(sys.executable, command, env)
