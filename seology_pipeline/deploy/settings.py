"""Settings of the Celery deployment, read from the environment.

- ``SEOLOGY_CELERY_BROKER_URL``: the broker (RabbitMQ); default ``amqp://guest:guest@127.0.0.1:5672//``.
- ``SEOLOGY_CELERY_BACKEND_URL``: the result backend (Redis); default ``redis://127.0.0.1:6379/0``.
- ``SEOLOGY_CELERY_WORKER_CONCURRENCY``: runs one worker executes at once; default 2, 1–64.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from seology_pipeline.settings import SettingsError

BROKER_SETTING = "SEOLOGY_CELERY_BROKER_URL"
BACKEND_SETTING = "SEOLOGY_CELERY_BACKEND_URL"
CONCURRENCY_SETTING = "SEOLOGY_CELERY_WORKER_CONCURRENCY"
DEFAULT_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
DEFAULT_BACKEND_URL = "redis://127.0.0.1:6379/0"
DEFAULT_CONCURRENCY = 2
MAX_CONCURRENCY = 64
BROKER_SCHEMES = ("amqp", "pyamqp", "amqps")
BACKEND_SCHEMES = ("redis", "rediss")


@dataclass(frozen=True)
class CelerySettings:
    broker_url: str
    backend_url: str
    concurrency: int


def _url(variable: str, default: str, schemes: tuple[str, ...]) -> str:
    raw = os.environ.get(variable, "").strip() or default
    scheme = urlsplit(raw).scheme
    if scheme not in schemes:
        raise SettingsError(
            f"{variable} must be a {' / '.join(f'{s}://' for s in schemes)} URL, got scheme "
            f"{scheme or 'none'!r}"
        )
    return raw


def _concurrency() -> int:
    raw = os.environ.get(CONCURRENCY_SETTING, "").strip()
    try:
        value = int(raw) if raw else DEFAULT_CONCURRENCY
    except ValueError:
        raise SettingsError(f"{CONCURRENCY_SETTING} must be a whole number, got {raw!r}") from None
    if not 1 <= value <= MAX_CONCURRENCY:
        raise SettingsError(f"{CONCURRENCY_SETTING} must be between 1 and {MAX_CONCURRENCY}")
    return value


def celery_settings() -> CelerySettings:
    """The validated Celery settings; :class:`SettingsError` names a bad one."""
    return CelerySettings(
        broker_url=_url(BROKER_SETTING, DEFAULT_BROKER_URL, BROKER_SCHEMES),
        backend_url=_url(BACKEND_SETTING, DEFAULT_BACKEND_URL, BACKEND_SCHEMES),
        concurrency=_concurrency(),
    )
