from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from seology_pipeline.maintenance.timing import (
    month_has_ended,
    month_in,
    parse_month,
    schedule_timezone,
)
from seology_pipeline.settings import SettingsError


def test_schedule_timezone_defaults_to_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEOLOGY_SCHEDULE_TIMEZONE", raising=False)
    assert schedule_timezone() == "UTC"
    monkeypatch.setenv("SEOLOGY_SCHEDULE_TIMEZONE", "  ")
    assert schedule_timezone() == "UTC"


def test_schedule_timezone_accepts_iana_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEOLOGY_SCHEDULE_TIMEZONE", " Europe/Berlin ")
    assert schedule_timezone() == "Europe/Berlin"


@pytest.mark.parametrize("value", ["Mars/Olympus", "../etc/passwd", "GMT+25", "UTC;DROP"])
def test_schedule_timezone_rejects_unknown_zones(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SEOLOGY_SCHEDULE_TIMEZONE", value)
    with pytest.raises(SettingsError, match="SEOLOGY_SCHEDULE_TIMEZONE"):
        schedule_timezone()


@pytest.mark.parametrize("value", ["2026-01", "2026-12", " 2026-03 "])
def test_parse_month_accepts_year_month(value: str) -> None:
    assert parse_month(value) == value.strip()


@pytest.mark.parametrize(
    "value", ["2026-13", "2026-00", "2026-1", "26-01", "2026/01", "2026-01-01", "", "1999-12", "x"]
)
def test_parse_month_rejects_anything_else(value: str) -> None:
    with pytest.raises(ValueError, match="month must be YYYY-MM"):
        parse_month(value)


def test_month_in_uses_the_given_timezone() -> None:
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert month_in(moment, "UTC") == "2026-12"
    assert month_in(moment, "Europe/Berlin") == "2027-01"
    assert month_in(datetime(2026, 3, 1, 0, 0, tzinfo=ZoneInfo("Pacific/Auckland")), "UTC") == (
        "2026-02"
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        month_in(datetime(2026, 1, 1), "UTC")


def test_a_month_has_ended_only_after_its_last_moment_in_the_zone() -> None:
    moment = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)  # already April in Berlin
    assert month_has_ended("2026-02", moment, "UTC")
    assert not month_has_ended("2026-03", moment, "UTC")
    assert month_has_ended("2026-03", moment, "Europe/Berlin")
    assert not month_has_ended("2026-04", moment, "Europe/Berlin")
