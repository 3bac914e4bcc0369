"""Settings of the Dagster layer (run limits, sensor bounds, alerting), from the settings tree.

``SEOLOGY_CRAWL_MAX_RUNTIME_S``, ``SEOLOGY_SENSOR_MAX_SITES_PER_TICK``, ``SEOLOGY_JOBS_PER_TICK``
and ``SEOLOGY_ALERT_WEBHOOK_URL``; see ``seology_pipeline.settings``.
"""

from __future__ import annotations

from seology_pipeline.settings import load_settings


def crawl_max_runtime_seconds() -> int:
    return load_settings().crawl.max_runtime_s


def sensor_max_sites_per_tick() -> int:
    return load_settings().sensor_max_sites_per_tick


def jobs_per_tick() -> int:
    return load_settings().jobs_per_tick


def alert_webhook_url() -> str | None:
    return load_settings().alert_webhook_url
