"""Settings of the Dagster layer itself (run limits, sensor bounds, alerting), from the environment.

| variable | default | meaning |
|---|---|---|
| ``SEOLOGY_CRAWL_MAX_RUNTIME_S`` | 3600 | a crawl run is stopped after this many seconds |
| ``SEOLOGY_SENSOR_MAX_SITES_PER_TICK`` | 200 | runs one sensor tick may request |
| ``SEOLOGY_JOBS_PER_TICK`` | 100 | ``jobs`` rows one tick of the ``pending_jobs`` sensor launches |
| ``SEOLOGY_ALERT_WEBHOOK_URL`` | — | POSTed a JSON alert after 3 consecutive failures of a site |
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from seology_pipeline.settings import SettingsError


def _int_setting(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


def crawl_max_runtime_seconds() -> int:
    return _int_setting("SEOLOGY_CRAWL_MAX_RUNTIME_S", 3600, 60, 7 * 24 * 3600)


def sensor_max_sites_per_tick() -> int:
    return _int_setting("SEOLOGY_SENSOR_MAX_SITES_PER_TICK", 200, 1, 1000)


def jobs_per_tick() -> int:
    return _int_setting("SEOLOGY_JOBS_PER_TICK", 100, 1, 1000)


def alert_webhook_url() -> str | None:
    raw = os.environ.get("SEOLOGY_ALERT_WEBHOOK_URL", "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError("SEOLOGY_ALERT_WEBHOOK_URL must be an http(s) URL")
    return raw
