"""Settings of the Celery deployment: the ``celery`` group of the settings tree.

- ``SEOLOGY_CELERY_BROKER_URL``: the broker (RabbitMQ); default ``amqp://guest:guest@127.0.0.1:5672//``.
- ``SEOLOGY_CELERY_BACKEND_URL``: the result backend (Redis); default ``redis://127.0.0.1:6379/0``.
- ``SEOLOGY_CELERY_WORKER_CONCURRENCY``: runs one worker executes at once; default 2, 1–64.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, field_validator

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


def _check_scheme(value: str, schemes: tuple[str, ...]) -> str:
    scheme = urlsplit(value.strip()).scheme
    if scheme not in schemes:
        expected = " / ".join(f"{s}://" for s in schemes)
        raise ValueError(f"must be a {expected} URL, got scheme {scheme or 'none'!r}")
    return value.strip()


class CeleryEnv(BaseModel):
    """The ``celery`` group of the settings tree: ``SEOLOGY_CELERY_*``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    broker_url: str = DEFAULT_BROKER_URL
    backend_url: str = DEFAULT_BACKEND_URL
    worker_concurrency: int = DEFAULT_CONCURRENCY

    @field_validator("broker_url")
    @classmethod
    def _broker(cls, value: str) -> str:
        return _check_scheme(value, BROKER_SCHEMES)

    @field_validator("backend_url")
    @classmethod
    def _backend(cls, value: str) -> str:
        return _check_scheme(value, BACKEND_SCHEMES)

    @field_validator("worker_concurrency", mode="before")
    @classmethod
    def _concurrency(cls, value: Any) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError("must be a whole number") from None
        if not 1 <= number <= MAX_CONCURRENCY:
            raise ValueError(f"must be between 1 and {MAX_CONCURRENCY}")
        return number

    def as_settings(self) -> CelerySettings:
        return CelerySettings(self.broker_url, self.backend_url, self.worker_concurrency)
