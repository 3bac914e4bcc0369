"""Failures the CLI reports as one line on stderr instead of a traceback."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.exc import OperationalError, ProgrammingError

from seology_pipeline.accounts import QuotaExceededError
from seology_pipeline.db.engine import DatabaseUnavailableError
from seology_pipeline.settings import SettingsError


class CommandError(RuntimeError):
    """A command could not do what was asked; the message says why and what to do."""


ExpectedError: tuple[type[Exception], ...] = (
    CommandError,
    SettingsError,
    DatabaseUnavailableError,
    QuotaExceededError,
    ValidationError,
)

MISSING_TABLE_MARKERS = ("no such table", "UndefinedTable", "does not exist")


def missing_schema(exc: Exception) -> str | None:
    """A one-line fix when ``exc`` says the app database has no tables yet, else None."""
    if not isinstance(exc, OperationalError | ProgrammingError):
        return None
    text = f"{type(exc.orig).__name__}: {exc.orig}" if exc.orig else str(exc)
    if not any(marker in text for marker in MISSING_TABLE_MARKERS):
        return None
    reason = text.strip().splitlines()[0]
    return f"the app database has no schema yet ({reason}); run `seology db upgrade`"
