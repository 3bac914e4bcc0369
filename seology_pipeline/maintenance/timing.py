"""Schedule timezone setting and ``YYYY-MM`` month keys for the upkeep jobs."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from seology_pipeline.settings import load_settings

MONTH_PATTERN = re.compile(r"(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])")


def schedule_timezone() -> str:
    """The IANA timezone the upkeep schedules run in: ``SEOLOGY_SCHEDULE_TIMEZONE``, default UTC.

    Raises :class:`SettingsError` naming the setting when the zone is unknown.
    """
    return load_settings().schedule_timezone


def parse_month(value: str) -> str:
    """Validate a ``YYYY-MM`` month key (year 2000 or later) and return it."""
    match = MONTH_PATTERN.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or int(match["year"]) < 2000:
        raise ValueError(f"month must be YYYY-MM (e.g. 2026-03), got {value!r}")
    return match.group(0)


def month_in(moment: datetime, timezone: str) -> str:
    """The ``YYYY-MM`` month of an aware ``moment`` as seen in ``timezone``."""
    if moment.tzinfo is None:
        raise ValueError("month_in needs a timezone-aware datetime")
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m")


def month_has_ended(month: str, moment: datetime, timezone: str) -> bool:
    """Whether the ``YYYY-MM`` ``month`` is over at the aware ``moment``, seen in ``timezone``."""
    return parse_month(month) < month_in(moment, timezone)
