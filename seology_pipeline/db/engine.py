"""Engines and sessions for the app database (SQLite embedded default, PostgreSQL in production)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from seology_pipeline.files import private_file
from seology_pipeline.settings import SettingsError, database_url, normalise_database_url


class DatabaseUnavailableError(RuntimeError):
    """The database named by ``SEOLOGY_DATABASE_URL`` cannot be reached."""


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: the ``SEOLOGY_DATABASE_URL`` setting).

    SQLite gets foreign keys on, WAL and a busy timeout, and its file is created private (0600,
    a new folder 0700);
    PostgreSQL gets pre-ping so connections dropped by the server are replaced.
    """
    url = normalise_database_url(url) if url else database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_file(Path(parsed.database))  # its -wal and -shm files get the same mode
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def connected_engine() -> Engine:
    """The app database's engine, once :func:`check_connection` has reached it (what every
    command that reads or writes the app database starts with)."""
    engine = make_engine()
    check_connection(engine)
    return engine


def check_connection(engine: Engine) -> None:
    """Raise :class:`DatabaseUnavailableError`, one clear line, if the database is unreachable."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        where = engine.url.render_as_string(hide_password=True)
        if f'database "{engine.url.database}" does not exist' in reason:
            raise DatabaseUnavailableError(
                f"the database {engine.url.database!r} does not exist at {where}; "
                f"create it with `createdb {engine.url.database}`, then run `seology db upgrade`"
            ) from None
        raise DatabaseUnavailableError(
            f"cannot reach the database at {where} "
            f"({reason}); check SEOLOGY_DATABASE_URL and that the server is running"
        ) from None


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    with session_factory(engine).begin() as session:
        yield session


__all__ = [
    "DatabaseUnavailableError",
    "SettingsError",
    "check_connection",
    "make_engine",
    "session_factory",
    "session_scope",
]
