"""Project-wide settings read from the environment (``SEOLOGY_*``), with embedded defaults."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the setting and the fix."""


def data_dir() -> Path:
    """Folder for embedded state (SQLite database, local DAGSTER_HOME, reports).

    ``SEOLOGY_DATA_DIR``, default ``.data`` under the project root.
    """
    raw = os.environ.get("SEOLOGY_DATA_DIR", "").strip()
    path = Path(raw).expanduser() if raw else PROJECT_ROOT / ".data"
    return path.resolve()


def database_url() -> str:
    """The app database URL: ``SEOLOGY_DATABASE_URL``, default a SQLite file in the data folder.

    ``postgresql://`` URLs are routed to the psycopg 3 driver. Raises :class:`SettingsError` for a
    value SQLAlchemy cannot parse or a backend we do not support.
    """
    raw = os.environ.get("SEOLOGY_DATABASE_URL", "").strip()
    if not raw:
        return f"sqlite:///{data_dir() / 'seology.db'}"
    return normalise_database_url(raw)


def normalise_database_url(raw: str) -> str:
    """Validate a database URL and pick our driver for PostgreSQL."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SettingsError(
            "SEOLOGY_DATABASE_URL is not a database URL; use e.g. "
            "postgresql://user@127.0.0.1:5432/seology or sqlite:////abs/path/seology.db"
        ) from None
    backend = url.drivername.split("+")[0]
    if backend in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise SettingsError(
            f"SEOLOGY_DATABASE_URL uses the unsupported backend {backend!r}; "
            "use postgresql:// or sqlite:///"
        )
    return url.render_as_string(hide_password=False)


def dagster_url() -> str | None:
    """``SEOLOGY_DAGSTER_URL``: the deployment's webserver, or ``None`` when there is none (then
    ``seology crawl`` runs in this process)."""
    return os.environ.get("SEOLOGY_DAGSTER_URL", "").strip() or None


STALE_AFTER_SETTING = "SEOLOGY_CRAWL_STALE_AFTER_S"


def crawl_stale_after() -> timedelta:
    """How long a running crawl may go without a heartbeat before the reaper fails it.

    ``SEOLOGY_CRAWL_STALE_AFTER_S``, default 600, 60 s to 1 day.
    """
    raw = os.environ.get(STALE_AFTER_SETTING, "").strip()
    try:
        seconds = int(raw) if raw else 600
    except ValueError:
        raise SettingsError(f"{STALE_AFTER_SETTING} must be a whole number, got {raw!r}") from None
    if not 60 <= seconds <= 86_400:
        raise SettingsError(f"{STALE_AFTER_SETTING} must be between 60 and 86400, got {seconds}")
    return timedelta(seconds=seconds)
