"""Failures the CLI reports as one line on stderr instead of a traceback."""

from __future__ import annotations

from pydantic import ValidationError

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
