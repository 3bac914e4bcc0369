"""The project's settings tree: every setting, read once from the environment (and ``.env``).

:class:`Settings` is one typed ``pydantic-settings`` model with the prefix ``SEOLOGY_`` and a group
per area: ``SEOLOGY_CRAWL_MAX_PAGES`` is ``settings.crawl.max_pages``, ``SEOLOGY_CLAUDE_MODEL`` is
``settings.claude.model``, ``SEOLOGY_DATABASE_URL`` is ``settings.database_url``. The areas define
their groups (``crawl.settings``, ``analysis.settings``) and build their own settings from them;
:func:`load_settings` reads the tree and turns any bad value into a one-line
:class:`SettingsError` naming the variable. :func:`environment_variables` lists every variable
(the README tables are checked against it).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from seology_pipeline.analysis.settings import (
    AnalysisEnv,
    AnalysisSettings,
    ClaudeEnv,
    analysis_values,
    build_settings,
)
from seology_pipeline.crawl.settings import CrawlEnv, CrawlSettings
from seology_pipeline.deploy.settings import CeleryEnv, CelerySettings
from seology_pipeline.errors import SettingsError

__all__ = ["PROJECT_ROOT", "Settings", "SettingsError", "environment_variables", "load_settings"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "SEOLOGY_"
_ENVIRON: contextvars.ContextVar[Mapping[str, str] | None] = contextvars.ContextVar(
    "seology_environ", default=None
)


class MappingEnvSource(EnvSettingsSource):
    """The environment source reading a given mapping instead of ``os.environ`` (tests, tools)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self.env_vars = {
            name.lower(): value for name, value in environ.items() if value.strip() != ""
        }


class Settings(BaseSettings):
    """Every setting of the project; see the README's settings tables for each variable."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="_",
        env_nested_max_split=1,
        env_file=".env",
        env_ignore_empty=True,
        enable_decoding=False,
        extra="ignore",
        frozen=True,
        hide_input_in_errors=True,
    )

    data_dir: Path = PROJECT_ROOT / ".data"
    database_url: str | None = None
    dagster_home: Path | None = Field(None, validation_alias="DAGSTER_HOME")
    dagster_url: str | None = None  # checked by the queue client, which knows what it needs
    browser_pool_limit: int = Field(2, ge=1, le=100)
    sensor_max_sites_per_tick: int = Field(200, ge=1, le=1000)
    jobs_per_tick: int = Field(100, ge=1, le=1000)
    alert_webhook_url: str | None = None
    schedule_timezone: str = "UTC"
    anthropic_api_key: SecretStr | None = Field(None, validation_alias="ANTHROPIC_API_KEY")
    anthropic_base_url: str | None = Field(None, validation_alias="ANTHROPIC_BASE_URL")
    crawl: CrawlEnv = CrawlEnv()
    analysis: AnalysisEnv = AnalysisEnv()
    claude: ClaudeEnv = ClaudeEnv()
    celery: CeleryEnv = CeleryEnv()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        environ = _ENVIRON.get()
        if environ is not None:
            return (init_settings, MappingEnvSource(settings_cls, environ))
        return (init_settings, env_settings, dotenv_settings)

    @field_validator("data_dir")
    @classmethod
    def _resolve_data_dir(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        return normalise_database_url(value) if value and value.strip() else None

    @field_validator("dagster_home")
    @classmethod
    def _absolute_home(cls, value: Path | None) -> Path | None:
        if value is not None and not value.expanduser().is_absolute():
            raise ValueError(f"must be an absolute path, got {str(value)!r}")
        return value.expanduser() if value is not None else None

    @field_validator("dagster_url")
    @classmethod
    def _blank_url_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("alert_webhook_url", "anthropic_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"must be an http(s) URL, got {value.strip()!r}")
        return value.strip()

    @field_validator("schedule_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        name = value.strip() or "UTC"
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{name!r} is not a known IANA timezone; use e.g. UTC or Europe/Berlin"
            ) from None
        return name

    @property
    def app_database_url(self) -> str:
        """The app database: ``database_url``, default a SQLite file in the data folder."""
        return self.database_url or f"sqlite:///{self.data_dir / 'seology.db'}"

    @property
    def instance_home(self) -> Path:
        """The Dagster instance folder: ``DAGSTER_HOME``, default under the data folder."""
        return self.dagster_home or self.data_dir / "dagster_home"

    @property
    def pool_limits(self) -> dict[str, int]:
        """Concurrent steps per Dagster pool."""
        return {"browser": self.browser_pool_limit, "claude": self.claude.pool_limit}

    def crawl_settings(self, **overrides: Any) -> CrawlSettings:
        """One crawl's settings: the ``crawl`` group with ``overrides`` (root URL, per site...)."""
        return CrawlSettings.from_env_group(self.crawl, **overrides)

    def analysis_settings(self, **overrides: Any) -> AnalysisSettings:
        """The analysis settings; ``overrides`` that are not ``None`` win over the environment."""
        key = self.anthropic_api_key.get_secret_value() if self.anthropic_api_key else None
        values = analysis_values(self.analysis, self.claude, key, self.anthropic_base_url)
        values |= {name: value for name, value in overrides.items() if value is not None}
        return build_settings(values)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings tree from ``environ``, or from the process environment and ``.env``.

    Raises :class:`SettingsError` with one line naming each variable at fault.
    """
    token = _ENVIRON.set(environ)
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{_variable(error['loc'])}: {error['msg']}" for error in exc.errors())
        raise SettingsError(f"invalid settings: {problems}") from None
    finally:
        _ENVIRON.reset(token)


def _variable(loc: tuple[Any, ...]) -> str:
    """The environment variable behind an error location such as ``("crawl", "max_pages")``."""
    head = str(loc[0]) if loc else ""
    if head.isupper():
        return head
    field = Settings.model_fields.get(head)
    if field is not None and isinstance(field.default, BaseModel) and len(loc) > 1:
        name = "browser" if loc[1] == "browser_executable" else str(loc[1])
        return f"{ENV_PREFIX}{head}_{name}".upper()
    return f"{ENV_PREFIX}{head}".upper()


def environment_variables() -> Iterator[str]:
    """Every environment variable the settings tree reads, in field order."""
    for name, field in Settings.model_fields.items():
        if isinstance(field.validation_alias, str):
            yield field.validation_alias
        elif isinstance(field.default, BaseModel):
            for sub in type(field.default).model_fields:
                yield _variable((name, sub))
        else:
            yield _variable((name,))


def normalise_database_url(raw: str) -> str:
    """Validate a database URL and pick our driver for PostgreSQL."""
    try:
        url = make_url(raw.strip())
    except ArgumentError:
        raise SettingsError(
            "SEOLOGY_DATABASE_URL is not a database URL; use e.g. "
            "postgresql://user@127.0.0.1:5432/seology or sqlite:////abs/path/seology.db"
        ) from None
    backend = url.drivername.split("+")[0]
    if backend in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise SettingsError(
            f"SEOLOGY_DATABASE_URL uses the unsupported backend {backend!r}; "
            "use postgresql:// or sqlite:///"
        )
    return url.render_as_string(hide_password=False)


def data_dir() -> Path:
    """Folder for embedded state (SQLite database, local DAGSTER_HOME, reports)."""
    return load_settings().data_dir


def database_url() -> str:
    """The app database URL (``SEOLOGY_DATABASE_URL`` or a SQLite file in the data folder)."""
    return load_settings().app_database_url


def dagster_url() -> str | None:
    """``SEOLOGY_DAGSTER_URL``: the deployment's webserver, or ``None`` when there is none (then
    ``seology crawl`` runs in this process)."""
    return load_settings().dagster_url


def crawl_stale_after() -> timedelta:
    """How long a running crawl may go without a heartbeat before the reaper fails it
    (``SEOLOGY_CRAWL_STALE_AFTER_S``, default 600, 60 s to 1 day)."""
    return timedelta(seconds=load_settings().crawl.stale_after_s)


def celery_settings() -> CelerySettings:
    """The Celery deployment's settings (``SEOLOGY_CELERY_*``); :class:`SettingsError` names a
    bad one without echoing its URL."""
    return load_settings().celery.as_settings()
