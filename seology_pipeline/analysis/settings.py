"""Settings of the site analysis (Claude or the rule-based analyst), read from the environment.

| Variable | Default | Meaning |
|---|---|---|
| `SEOLOGY_ANALYSIS_MODE` | `auto` | `auto` (Claude when `ANTHROPIC_API_KEY` is set, else rule-based), `claude` (Claude; a key is required), `offline` (rule-based only, never calls the API), `skip` (no analysis) |
| `SEOLOGY_CLAUDE_MODEL` | `claude-sonnet-5-5` | Claude model id; it must have an entry in the price table |
| `ANTHROPIC_API_KEY` | unset | API key; kept as a secret, never logged or shown |
| `ANTHROPIC_BASE_URL` | Anthropic's API | Base URL of the Messages API (a gateway or a test server) |
| `SEOLOGY_CLAUDE_TIMEOUT` | `120` | Seconds per API request (0 < t ≤ 600) |
| `SEOLOGY_CLAUDE_MAX_RETRIES` | `2` | SDK retries of one request on 408/409/429/5xx/529 and connection errors (0–10) |
| `SEOLOGY_CLAUDE_MAX_OUTPUT_TOKENS` | `4096` | `max_tokens` of the answer (256–64000) |
| `SEOLOGY_ANALYSIS_INPUT_TOKEN_BUDGET` | `20000` | Most input tokens one analysis may send (1000–150000) |
| `SEOLOGY_ANALYSIS_EXAMPLES_PER_GROUP` | `3` | Example issues (with ids) per severity × category group (0–20) |
| `SEOLOGY_CLAUDE_COUNT_TOKENS` | `true` | Count input tokens with the API's free count endpoint; `false` estimates locally |
| `SEOLOGY_ANALYSIS_BATCH` | `scheduled` | Which Claude analyses go through the Message Batches API at half price (results within 24 h, usually minutes): `off` (none), `scheduled` (those after scheduled re-crawls), `all` (also the first analysis of a new site); a crawl a person launched always gets its analysis at once) |
| `SEOLOGY_CLAUDE_PRICES` | built-in table | JSON `{"model": {"input": 3, "output": 15, "cache_write": 3.75, "cache_read": 0.3}}` in USD per million tokens, merged over the built-in table |
"""  # noqa: E501

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from seology_pipeline.errors import SettingsError
from seology_pipeline.names import NEW_SITE_TRIGGER, RECRAWL_TRIGGER

DEFAULT_MODEL = "claude-sonnet-5-5"


class AnalysisMode(enum.StrEnum):
    AUTO = "auto"
    CLAUDE = "claude"
    OFFLINE = "offline"
    SKIP = "skip"


class BatchMode(enum.StrEnum):
    OFF = "off"
    SCHEDULED = "scheduled"
    ALL = "all"


# The Message Batches API bills every token at half the interactive price.
BATCH_DISCOUNT = 0.5


class ModelPrice(BaseModel):
    """USD per million tokens."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cache_write: float = Field(ge=0)
    cache_read: float = Field(ge=0)


def _price(input_: float, output: float) -> ModelPrice:
    # Prompt caching list prices: writes (5 min) cost 1.25×, reads 0.1× the input price.
    return ModelPrice(
        input=input_, output=output, cache_write=input_ * 1.25, cache_read=input_ * 0.1
    )


# List prices at the time of writing; override or extend them with SEOLOGY_CLAUDE_PRICES.
DEFAULT_PRICES: dict[str, ModelPrice] = {
    "claude-sonnet-5-5": _price(3.0, 15.0),
    "claude-sonnet-5": _price(3.0, 15.0),
    "claude-sonnet-4-6": _price(3.0, 15.0),
    "claude-sonnet-4-5": _price(3.0, 15.0),
    "claude-haiku-4-5": _price(1.0, 5.0),
    "claude-opus-4-6": _price(5.0, 25.0),
}

# Field name → environment variable, for error messages.
ENV_VARS: dict[str, str] = {
    "mode": "SEOLOGY_ANALYSIS_MODE",
    "model": "SEOLOGY_CLAUDE_MODEL",
    "api_key": "ANTHROPIC_API_KEY",
    "base_url": "ANTHROPIC_BASE_URL",
    "timeout_seconds": "SEOLOGY_CLAUDE_TIMEOUT",
    "max_retries": "SEOLOGY_CLAUDE_MAX_RETRIES",
    "max_output_tokens": "SEOLOGY_CLAUDE_MAX_OUTPUT_TOKENS",
    "input_token_budget": "SEOLOGY_ANALYSIS_INPUT_TOKEN_BUDGET",
    "examples_per_group": "SEOLOGY_ANALYSIS_EXAMPLES_PER_GROUP",
    "count_tokens": "SEOLOGY_CLAUDE_COUNT_TOKENS",
    "prices": "SEOLOGY_CLAUDE_PRICES",
    "batch": "SEOLOGY_ANALYSIS_BATCH",
}


class AnalysisSettings(BaseModel):
    """How a site is analysed; from the settings tree (``Settings.analysis_settings``) or code."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    mode: AnalysisMode = AnalysisMode.AUTO
    model: str = Field(default=DEFAULT_MODEL, min_length=1, max_length=100)
    api_key: SecretStr | None = None
    base_url: str | None = None
    timeout_seconds: float = Field(default=120.0, gt=0, le=600)
    max_retries: int = Field(default=2, ge=0, le=10)
    max_output_tokens: int = Field(default=4096, ge=256, le=64000)
    input_token_budget: int = Field(default=20000, ge=1000, le=150000)
    examples_per_group: int = Field(default=3, ge=0, le=20)
    count_tokens: bool = True
    batch: BatchMode = BatchMode.SCHEDULED
    prices: dict[str, ModelPrice] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    @field_validator("api_key", mode="before")
    @classmethod
    def _blank_key_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _check_consistency(self) -> AnalysisSettings:
        if self.model not in self.prices:
            raise ValueError(
                f"model {self.model!r} has no price; add it to SEOLOGY_CLAUDE_PRICES "
                f"(known: {', '.join(sorted(self.prices))})"
            )
        if self.mode is AnalysisMode.CLAUDE and self.api_key is None:
            raise ValueError(
                "SEOLOGY_ANALYSIS_MODE=claude needs ANTHROPIC_API_KEY; "
                "set the key or use mode auto/offline"
            )
        return self

    @property
    def analyst(self) -> str:
        """What this configuration runs: ``claude``, ``offline`` or ``skip``."""
        if self.mode is AnalysisMode.SKIP:
            return "skip"
        if self.mode is AnalysisMode.OFFLINE:
            return "offline"
        return "claude" if self.api_key is not None else "offline"

    @property
    def price(self) -> ModelPrice:
        return self.prices[self.model]

    def estimated_cost(
        self,
        input_tokens: int,
        output_tokens: int,
        cache_write: int,
        cache_read: int,
        batched: bool = False,
    ) -> float:
        """Estimated USD cost of one call with these token counts, for the configured model
        (half price for a request answered through the Message Batches API)."""
        price = self.price
        total = (
            input_tokens * price.input
            + output_tokens * price.output
            + cache_write * price.cache_write
            + cache_read * price.cache_read
        )
        return round(total * (BATCH_DISCOUNT if batched else 1.0) / 1_000_000, 6)

    def batches(self, crawl_trigger: str | None) -> bool:
        """Whether the automatic analysis of a crawl launched by ``crawl_trigger`` (a run's
        trigger tag) goes into a batch. Only Claude analyses are batched, and never those of a
        crawl a person launched."""
        if self.analyst != "claude" or self.batch is BatchMode.OFF:
            return False
        if self.batch is BatchMode.ALL:
            return crawl_trigger in (RECRAWL_TRIGGER, NEW_SITE_TRIGGER)
        return crawl_trigger == RECRAWL_TRIGGER


def build_settings(values: Mapping[str, Any]) -> AnalysisSettings:
    """Validate ``values`` into settings; errors name the environment variable, never a secret."""
    try:
        return AnalysisSettings(**values)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            where = ENV_VARS.get(field, "analysis settings")
            problems.append(f"{where}: {error['msg']}")
        raise SettingsError("invalid analysis settings: " + "; ".join(problems)) from None


class AnalysisEnv(BaseModel):
    """The ``analysis`` group of the settings tree (``SEOLOGY_ANALYSIS_*``); unset = default."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    mode: AnalysisMode | None = None
    input_token_budget: int | None = None
    examples_per_group: int | None = None
    batch: BatchMode | None = None


class ClaudeEnv(BaseModel):
    """The ``claude`` group of the settings tree (``SEOLOGY_CLAUDE_*``); unset = default."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    model: str | None = None
    timeout: float | None = None
    max_retries: int | None = None
    max_output_tokens: int | None = None
    count_tokens: bool | None = None
    prices: dict[str, Any] | None = None
    pool_limit: int = Field(4, ge=1, le=100)

    @field_validator("prices", mode="before")
    @classmethod
    def _prices_from_json(cls, value: Any) -> Any:
        return _parse_prices(value) if isinstance(value, str) else value


def analysis_values(
    analysis: AnalysisEnv, claude: ClaudeEnv, api_key: str | None, base_url: str | None
) -> dict[str, Any]:
    """The :class:`AnalysisSettings` fields set in the environment groups."""
    values = {
        "mode": analysis.mode,
        "input_token_budget": analysis.input_token_budget,
        "examples_per_group": analysis.examples_per_group,
        "batch": analysis.batch,
        "model": claude.model,
        "timeout_seconds": claude.timeout,
        "max_retries": claude.max_retries,
        "max_output_tokens": claude.max_output_tokens,
        "count_tokens": claude.count_tokens,
        "prices": claude.prices,
        "api_key": api_key,
        "base_url": base_url,
    }
    return {key: value for key, value in values.items() if value is not None}


def _parse_prices(raw: str) -> dict[str, Any]:
    try:
        extra = json.loads(raw)
    except json.JSONDecodeError:
        raise SettingsError(
            'SEOLOGY_CLAUDE_PRICES is not JSON; use {"model": {"input": 3, "output": 15, '
            '"cache_write": 3.75, "cache_read": 0.3}}'
        ) from None
    if not isinstance(extra, dict):
        raise SettingsError("SEOLOGY_CLAUDE_PRICES must be a JSON object keyed by model id")
    return {**DEFAULT_PRICES, **extra}
