"""Run config read into its ``dg.Config`` class, with a one-line failure for a bad value.

Dagster's config schema (what the launchpad checks before a launch) expresses types, enums and
required fields but no bounds; a value it lets through that the class refuses (a page count over
the cap, an age of 0 days, a malformed month) fails the step with :func:`parse_config`'s one line
instead of a pydantic stack trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import dagster as dg
from pydantic import ValidationError

ConfigT = TypeVar("ConfigT", bound=dg.Config)


def describe(error: ValidationError) -> str:
    """Every problem of ``error`` on one line: ``field: message (got value)``."""
    problems = []
    for item in error.errors():
        field = ".".join(map(str, item["loc"])) or "config"
        message = item["msg"].removeprefix("Value error, ")
        got = repr(item["input"])
        problems.append(f"{field}: {message}" + ("" if got in message else f" (got {got})"))
    return "; ".join(problems)


def parse_config(cls: type[ConfigT], values: Mapping[str, Any]) -> ConfigT:
    """``values`` (a step's run config) as ``cls``; a refused value fails the step, unretried."""
    try:
        return cls(**values)
    except ValidationError as exc:
        raise dg.Failure(
            description=f"bad run config: {describe(exc)}", allow_retries=False
        ) from None
