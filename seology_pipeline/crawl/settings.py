# ruff: noqa: E501  (the settings table below is copied into the README as is)
"""Crawl settings: one validated :class:`CrawlSettings` per crawl, from code or the environment.

Every field can be set through an environment variable ``SEOLOGY_CRAWL_<FIELD>`` (upper case),
read into the ``crawl`` group (:class:`CrawlEnv`) of the project's settings tree
(``seology_pipeline.settings``); keyword overrides win. Lists are comma-separated, or a JSON array
(use JSON for regular expressions that contain commas). Booleans: ``1/0``, ``true/false``,
``yes/no``, ``on/off``.

| Variable | Default | Meaning |
|---|---|---|
| ``SEOLOGY_CRAWL_ROOT_URL`` | (required) | Start URL (``http``/``https``) |
| ``SEOLOGY_CRAWL_MAX_PAGES`` | ``500`` | Page records at most (1–50,000) |
| ``SEOLOGY_CRAWL_MAX_DEPTH`` | ``1000`` | Link depth at most (root is 0); by default only ``max_pages`` bounds the crawl. URLs left out by either limit are counted in the crawl's ``urls_left`` |
| ``SEOLOGY_CRAWL_CONCURRENCY`` | ``8`` | Pages in flight at once |
| ``SEOLOGY_CRAWL_PER_HOST_CONCURRENCY`` | ``8`` | HTTP requests in flight per host |
| ``SEOLOGY_CRAWL_DELAY_S`` | ``0`` | Pause between requests to one host (robots.txt crawl-delay wins if longer) |
| ``SEOLOGY_CRAWL_PAGE_TIMEOUT_S`` | ``20`` | Time limit for fetching (and for rendering) one page |
| ``SEOLOGY_CRAWL_TIME_BUDGET_S`` | ``3600`` | Stop starting new pages after this long |
| ``SEOLOGY_CRAWL_MAX_PAGE_BYTES`` | ``5242880`` | Larger HTML bodies are recorded as ``too_big`` |
| ``SEOLOGY_CRAWL_USER_AGENT`` | ``Mozilla/5.0 (compatible; SeologyBot/1.0; +https://seology.ai/bot)`` | User agent, also used for robots.txt |
| ``SEOLOGY_CRAWL_INCLUDE_PATTERNS`` | (none) | Regexes; when set, only matching URLs are crawled (the root always is) |
| ``SEOLOGY_CRAWL_EXCLUDE_PATTERNS`` | (none) | Regexes; matching URLs are not crawled |
| ``SEOLOGY_CRAWL_OBEY_ROBOTS`` | ``true`` | Obey robots.txt (disallowed URLs are recorded as blocked) |
| ``SEOLOGY_CRAWL_ALLOW_PRIVATE_NETWORKS`` | ``false`` | Allow loopback, private, link-local and reserved addresses |
| ``SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST`` | (none) | CIDRs allowed even when private networks are not, e.g. ``10.1.0.0/16`` |
| ``SEOLOGY_CRAWL_CA_BUNDLE`` | (none) | PEM file of extra certificate authorities that HTTP fetches trust besides the default ones (certificates are always verified; Chromium uses its own store) |
| ``SEOLOGY_CRAWL_RENDER_MODE`` | ``auto`` | ``always`` (browser for every HTML page), ``auto`` (browser only where JavaScript is needed), ``never`` |
| ``SEOLOGY_CRAWL_BROWSER`` | (auto) | Chromium executable (path or name on PATH); see ``crawl.browser`` |
| ``SEOLOGY_CRAWL_BROWSER_PAGES`` | ``2`` | Browser tabs rendering at once (each with its own renderer process) |
| ``SEOLOGY_CRAWL_BROWSER_IDLE_S`` | ``30`` | The browser is closed after this long without a page to render (started again when needed; 0.1–3,600) |
| ``SEOLOGY_CRAWL_BLOCK_RESOURCES`` | ``image,font,media,stylesheet`` | Resource types the browser does not load |
| ``SEOLOGY_CRAWL_RENDER_WAIT_MS`` | ``500`` | Extra wait after ``load`` when the rendered title is still empty |
| ``SEOLOGY_CRAWL_INCLUDE_WWW`` | ``true`` | Treat ``example.com`` and ``www.example.com`` as one site |
| ``SEOLOGY_CRAWL_STRIP_QUERY_PARAMS`` | ``utm_*,gclid,fbclid,…`` | Query parameters removed from URLs (``*`` = prefix) |
| ``SEOLOGY_CRAWL_FOLLOW_NOFOLLOW`` | ``false`` | Follow ``rel=nofollow`` links and links on ``nofollow`` pages |
| ``SEOLOGY_CRAWL_MAX_REDIRECTS`` | ``10`` | Redirect hops followed per URL |
| ``SEOLOGY_CRAWL_MAX_URL_LENGTH`` | ``2048`` | Longer URLs are not crawled |
| ``SEOLOGY_CRAWL_MAX_QUERY_VARIANTS`` | ``50`` | Query-string variants crawled per path |
| ``SEOLOGY_CRAWL_MAX_REPEATED_SEGMENTS`` | ``3`` | URLs repeating one path segment more often are not crawled |
| ``SEOLOGY_CRAWL_MAX_RETRIES`` | ``2`` | Retries of a URL answered with 429/503 |
| ``SEOLOGY_CRAWL_MAX_RETRY_AFTER_S`` | ``60`` | Longest ``Retry-After`` waited for (only that URL waits); a longer one is not retried |
| ``SEOLOGY_CRAWL_POLITENESS_BUDGET_S`` | ``120`` | Total seconds a crawl may wait for ``Retry-After`` and adaptive slowdowns (0–86,400) |
| ``SEOLOGY_CRAWL_MAX_SITEMAP_URLS`` | ``50000`` | Sitemap URLs kept for the in-sitemap flag |
| ``SEOLOGY_CRAWL_MAX_RUNTIME_S`` | ``3600`` | A crawl run is stopped after this long (60 s – 7 days) |
| ``SEOLOGY_CRAWL_STALE_AFTER_S`` | ``600`` | A running crawl without a heartbeat this long is reaped (60 s – 1 day) |
| ``SEOLOGY_CRAWL_SITEMAP_URLS`` | (none) | Extra sitemap URLs to read besides robots.txt's, ``/sitemap.xml``, ``/sitemap_index.xml`` and the start URL's folder |
| ``SEOLOGY_CRAWL_MAX_CANONICAL_CHECKS`` | ``500`` | Canonical targets not reached by links fetched to verify them (not counted in ``max_pages``; 0–50,000) |
| ``SEOLOGY_CRAWL_TTFB_RECHECK_MS`` | ``500`` | A page whose time to first byte is above this is measured again; its ``ttfb_ms`` is the median |
| ``SEOLOGY_CRAWL_TTFB_SAMPLES`` | ``3`` | Samples of such a page's time to first byte (1–9) |
"""

from __future__ import annotations

import ipaddress
import json
import re
import ssl
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from seology_pipeline.errors import SettingsError
from seology_pipeline.names import MAX_PAGES

RESOURCE_TYPES = frozenset({"image", "font", "media", "stylesheet", "script", "xhr", "fetch"})
DEFAULT_STRIP_PARAMS = (
    "utm_*",
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "fbclid",
    "msclkid",
    "yclid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "igshid",
)
LIST_FIELDS = (
    "include_patterns",
    "exclude_patterns",
    "private_network_allowlist",
    "block_resources",
    "strip_query_params",
    "sitemap_urls",
)


class CrawlOptions(BaseModel):
    """How to crawl, apart from where: every crawl setting but the start URL."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    max_pages: int = Field(500, ge=1, le=MAX_PAGES)
    max_depth: int = Field(1000, ge=0, le=1000)
    concurrency: int = Field(8, ge=1, le=64)
    per_host_concurrency: int = Field(8, ge=1, le=64)
    delay_s: float = Field(0.0, ge=0, le=60)
    page_timeout_s: float = Field(20.0, gt=0, le=300)
    time_budget_s: float = Field(3600.0, gt=0, le=7 * 24 * 3600)
    max_page_bytes: int = Field(5 * 1024 * 1024, ge=1024, le=1024**3)
    user_agent: str = "Mozilla/5.0 (compatible; SeologyBot/1.0; +https://seology.ai/bot)"
    include_patterns: tuple[str, ...] = ()
    exclude_patterns: tuple[str, ...] = ()
    obey_robots: bool = True
    allow_private_networks: bool = False
    private_network_allowlist: tuple[str, ...] = ()
    ca_bundle: str | None = None
    render_mode: Literal["always", "auto", "never"] = "auto"
    browser_executable: str | None = Field(
        None, validation_alias=AliasChoices("browser_executable", "browser")
    )
    browser_pages: int = Field(2, ge=1, le=32)
    browser_idle_s: float = Field(30.0, ge=0.1, le=3600)
    block_resources: tuple[str, ...] = ("image", "font", "media", "stylesheet")
    render_wait_ms: int = Field(500, ge=0, le=30_000)
    include_www: bool = True
    strip_query_params: tuple[str, ...] = DEFAULT_STRIP_PARAMS
    follow_nofollow: bool = False
    max_redirects: int = Field(10, ge=0, le=50)
    max_url_length: int = Field(2048, ge=64, le=65_536)
    max_query_variants: int = Field(50, ge=1, le=100_000)
    max_repeated_segments: int = Field(3, ge=1, le=100)
    max_retries: int = Field(2, ge=0, le=10)
    max_retry_after_s: float = Field(60.0, ge=0, le=3600)
    politeness_budget_s: float = Field(120.0, ge=0, le=86_400)
    max_sitemap_urls: int = Field(50_000, ge=0, le=1_000_000)
    sitemap_urls: tuple[str, ...] = ()
    max_canonical_checks: int = Field(500, ge=0, le=50_000)
    ttfb_recheck_ms: float = Field(500.0, gt=0, le=600_000)
    ttfb_samples: int = Field(3, ge=1, le=9)

    @field_validator(*LIST_FIELDS, mode="before")
    @classmethod
    def _split_text_list(cls, value: Any) -> Any:
        """A list given as text (an environment variable): a JSON array or comma-separated."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                items = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not a JSON list: {exc}") from None
            if not isinstance(items, list):
                raise ValueError("must be a JSON list of strings")
            return tuple(str(item) for item in items)
        return tuple(part.strip() for part in text.split(",") if part.strip())

    @field_validator("ca_bundle")
    @classmethod
    def _check_ca_bundle(cls, value: str | None) -> str | None:
        """The extra certificate authorities must load now, not at the first HTTPS fetch."""
        if value is None:
            return None
        try:
            ssl.create_default_context().load_verify_locations(cafile=value)
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(f"ca_bundle {value!r} is not a readable PEM file: {exc}") from None
        return value

    @field_validator("user_agent")
    @classmethod
    def _check_user_agent(cls, value: str) -> str:
        if not value.strip() or any(c in value for c in "\r\n"):
            raise ValueError("user_agent must be a non-empty single line")
        return value.strip()

    @field_validator("include_patterns", "exclude_patterns")
    @classmethod
    def _check_patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from None
        return value

    @field_validator("private_network_allowlist")
    @classmethod
    def _check_networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for cidr in value:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise ValueError(f"{cidr!r} is not an IP network such as 10.0.0.0/8") from None
        return value

    @field_validator("block_resources")
    @classmethod
    def _check_resources(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - RESOURCE_TYPES)
        if unknown:
            raise ValueError(f"unknown resource types {unknown}; use {sorted(RESOURCE_TYPES)}")
        return value

    @field_validator("browser_executable")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class CrawlEnv(CrawlOptions):
    """The ``crawl`` group of the settings tree: ``SEOLOGY_CRAWL_*`` (unknown names are ignored)."""

    model_config = ConfigDict(extra="ignore")

    root_url: str | None = None
    max_runtime_s: int = Field(3600, ge=60, le=7 * 24 * 3600)
    stale_after_s: int = Field(600, ge=60, le=86_400)


class CrawlSettings(CrawlOptions):
    """Everything one crawl needs to know; see the module docstring for the meaning of each."""

    root_url: str

    @field_validator("root_url")
    @classmethod
    def _check_root_url(cls, value: str) -> str:
        value = value.strip()
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"root_url must be an absolute http(s) URL, got {value!r}")
        return value

    @classmethod
    def from_env_group(cls, env: CrawlEnv, **overrides: Any) -> CrawlSettings:
        """Settings from the ``crawl`` group of the settings tree, with ``overrides`` winning.

        Raises :class:`~seology_pipeline.errors.SettingsError` naming the field at fault.
        """
        values = env.model_dump(
            exclude={"max_runtime_s", "stale_after_s"} | set(overrides), exclude_unset=True
        )
        values.update(overrides)
        try:
            return cls(**values)
        except ValidationError as exc:
            problems = []
            for err in exc.errors():
                field = str(err["loc"][0]) if err["loc"] else "settings"
                source = field if field in overrides else "SEOLOGY_CRAWL_" + field.upper()
                problems.append(f"{source}: {err['msg']}")
            raise SettingsError("invalid crawl settings: " + "; ".join(problems)) from None
