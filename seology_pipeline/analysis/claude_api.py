"""Calls to the Messages API: client construction, token counting, the analysis request and the
translation of SDK errors into what the caller should do (retry later or fix configuration).

The ``anthropic`` SDK is loaded on first use (:func:`sdk`): importing it costs about 1.8 CPU
seconds, which every Dagster run process and CLI command would otherwise pay at definition load,
although crawls and offline analyses never call Claude.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from seology_pipeline.analysis.errors import AnalysisConfigError, TransientAnalysisError
from seology_pipeline.analysis.inputs import estimate_tokens
from seology_pipeline.analysis.prompt import SYSTEM_PROMPT, system_blocks
from seology_pipeline.analysis.schema import SiteAnalysis
from seology_pipeline.analysis.settings import AnalysisSettings
from seology_pipeline.analysis.text import clean_text

if TYPE_CHECKING:
    import anthropic
    import httpx2

RAW_TEXT_LIMIT = 20_000


@cache
def sdk() -> ModuleType:
    """The ``anthropic`` module, imported on first use."""
    return importlib.import_module("anthropic")


@cache
def output_format() -> dict[str, Any]:
    """The structured-output format of an analysis: the JSON schema of :class:`SiteAnalysis`."""
    return {"type": "json_schema", "schema": sdk().transform_schema(SiteAnalysis)}


@cache
def schema_text() -> str:
    """The output schema as the request carries it (for token estimates)."""
    return json.dumps(output_format()["schema"])


def make_client(
    settings: AnalysisSettings, http_client: httpx2.Client | None = None
) -> anthropic.Anthropic | None:
    """A client for ``settings``, or None when the settings do not call Claude."""
    if settings.analyst != "claude" or settings.api_key is None:
        return None
    return sdk().Anthropic(
        api_key=settings.api_key.get_secret_value(),
        base_url=settings.base_url,
        timeout=settings.timeout_seconds,
        max_retries=settings.max_retries,
        http_client=http_client,
    )


def _api_message(exc: anthropic.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return clean_text(error["message"], 300)
    return clean_text(exc.message, 300)


@contextmanager
def api_errors() -> Iterator[None]:
    """Re-raise SDK errors (after the SDK's own retries) as Transient/ConfigError."""
    try:
        yield
    except sdk().AuthenticationError as exc:
        raise AnalysisConfigError(
            "the Claude API rejected the API key (401); check ANTHROPIC_API_KEY"
        ) from exc
    except (
        sdk().RateLimitError,
        sdk().InternalServerError,  # 5xx, including 529 overloaded
        sdk().RequestTimeoutError,
        sdk().ConflictError,
    ) as exc:
        raise TransientAnalysisError(
            f"the Claude API is unavailable ({exc.status_code}: {_api_message(exc)}); retry later"
        ) from exc
    except sdk().APIConnectionError as exc:  # includes APITimeoutError
        kind = "timed out" if isinstance(exc, sdk().APITimeoutError) else "failed"
        raise TransientAnalysisError(
            f"the connection to the Claude API {kind}; check ANTHROPIC_BASE_URL and the "
            "network, or raise SEOLOGY_CLAUDE_TIMEOUT"
        ) from exc
    except sdk().APIStatusError as exc:
        hint = {
            400: "check SEOLOGY_CLAUDE_MODEL and SEOLOGY_CLAUDE_MAX_OUTPUT_TOKENS",
            403: "the key may not use this model or workspace",
            404: "check SEOLOGY_CLAUDE_MODEL and ANTHROPIC_BASE_URL",
        }.get(exc.status_code, "check the analysis settings")
        raise AnalysisConfigError(
            f"the Claude API refused the request ({exc.status_code}: {_api_message(exc)}); {hint}"
        ) from exc


def _messages(user_text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": user_text}]


def count_request_tokens(
    client: anthropic.Anthropic, settings: AnalysisSettings, user_text: str
) -> int:
    """Input tokens of the full request (system, schema, user), from the free count endpoint."""
    with api_errors():
        counted = client.messages.count_tokens(
            model=settings.model,
            system=system_blocks(),
            messages=_messages(user_text),
            output_config={"format": output_format()},
        )
    return counted.input_tokens


def estimate_request_tokens(user_text: str) -> int:
    """A local, conservative estimate of the same request (no API call)."""
    return estimate_tokens(SYSTEM_PROMPT + schema_text() + user_text)


@dataclass(frozen=True, slots=True)
class ClaudeReply:
    """One answer: ids, usage, the raw text and the parsed output (None when unusable)."""

    message_id: str
    model: str
    stop_reason: str | None
    input_tokens: int
    output_tokens: int
    cache_creation_input_tokens: int
    cache_read_input_tokens: int
    text: str
    output: SiteAnalysis | None
    problem: str | None

    @property
    def total_tokens(self) -> int:
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_creation_input_tokens
            + self.cache_read_input_tokens
        )


def request_params(settings: AnalysisSettings, user_text: str) -> dict[str, Any]:
    """The Messages API parameters of one analysis (interactive or inside a batch)."""
    return {
        "model": settings.model,
        "max_tokens": settings.max_output_tokens,
        "system": system_blocks(),
        "messages": _messages(user_text),
        "output_config": {"format": output_format()},
    }


def request_analysis(
    client: anthropic.Anthropic, settings: AnalysisSettings, user_text: str
) -> ClaudeReply:
    """Ask Claude for a :class:`SiteAnalysis` with structured outputs; no tools, one site.

    ``messages.parse`` gets the schema through ``output_config`` and we validate the text
    ourselves: with ``output_format`` an invalid answer raises inside the SDK and its id, stop
    reason and token usage (which we pay for) would be lost.
    """
    with api_errors():
        message = client.messages.parse(**request_params(settings, user_text))
    return reply_from_message(message)


def reply_from_message(message: anthropic.types.Message) -> ClaudeReply:
    """Usage, text and validated output of one answer. ``problem`` names why an answer is
    unusable: refusal, truncation at max tokens, malformed JSON or a schema violation."""
    text = "".join(block.text for block in message.content if block.type == "text")
    output: SiteAnalysis | None = None
    problem: str | None = None
    if message.stop_reason == "refusal":
        problem = "refusal"
    elif message.stop_reason in ("max_tokens", "model_context_window_exceeded"):
        problem = "max_tokens"
    elif message.stop_reason not in ("end_turn", "stop_sequence", None):
        problem = f"unexpected stop reason {message.stop_reason}"
    else:
        try:
            output = SiteAnalysis.model_validate_json(text)
        except ValidationError as exc:
            kinds = {error["type"] for error in exc.errors()}
            problem = "malformed JSON" if "json_invalid" in kinds else "schema violation"
            problem += f": {clean_text(str(exc.errors()[0]['msg']), 200)}"
    usage = message.usage
    return ClaudeReply(
        message_id=message.id,
        model=str(message.model),
        stop_reason=message.stop_reason,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_creation_input_tokens=usage.cache_creation_input_tokens or 0,
        cache_read_input_tokens=usage.cache_read_input_tokens or 0,
        text=text[:RAW_TEXT_LIMIT],
        output=output,
        problem=problem,
    )
