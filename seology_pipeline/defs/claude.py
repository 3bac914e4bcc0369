"""The Claude resource (analysis settings from the environment and an Anthropic client) and the
metadata of a ``site_analysis`` materialization."""

from __future__ import annotations

import enum
import os
from typing import TYPE_CHECKING, Any

import dagster as dg
from pydantic import Field, PrivateAttr

from seology_pipeline.analysis.analyst import AnalysisOutcome
from seology_pipeline.analysis.claude_api import make_client
from seology_pipeline.analysis.settings import AnalysisMode, AnalysisSettings
from seology_pipeline.defs.metadata import ids_as_text
from seology_pipeline.settings import load_settings

if TYPE_CHECKING:
    import anthropic


class Mode(enum.StrEnum):
    """Analysis modes as launchpad choices (Dagster config uses the member names)."""

    auto = "auto"
    claude = "claude"
    offline = "offline"
    skip = "skip"


class ClaudeResource(dg.ConfigurableResource):
    """Claude analysis settings; an empty field takes its environment variable."""

    # Unset fields fall back to the environment when the resource is used, so an unset variable
    # never fails a run (``dg.EnvVar`` of an unset variable does, breaking the key-less offline
    # mode). The API key is never a field: the UI and run config only show the variable's name.
    mode: Mode | None = Field(
        default=None, description="auto, claude, offline or skip (SEOLOGY_ANALYSIS_MODE)."
    )
    model: str | None = Field(default=None, description="Claude model id (SEOLOGY_CLAUDE_MODEL).")
    api_key_env_var: str = Field(
        default="ANTHROPIC_API_KEY", description="Name of the variable holding the API key."
    )
    base_url: str | None = Field(default=None, description="Messages API base URL.")
    timeout_seconds: float | None = Field(
        default=None, description="Seconds per API request, up to 600."
    )
    max_retries: int | None = Field(default=None, description="Retries per API request, 0-10.")
    max_output_tokens: int | None = Field(
        default=None, description="Output tokens per analysis, 256-64000."
    )
    input_token_budget: int | None = Field(
        default=None, description="Input tokens per analysis, 1000-150000."
    )

    _client: Any = PrivateAttr(default=None)  # anthropic.Anthropic, built on first use

    def settings(self) -> AnalysisSettings:
        """The analysis settings; raises ``SettingsError`` naming the variable at fault."""
        return load_settings().analysis_settings(
            api_key=os.environ.get(self.api_key_env_var, ""),
            mode=AnalysisMode(self.mode.value) if self.mode else None,
            model=self.model,
            base_url=self.base_url,
            timeout_seconds=self.timeout_seconds,
            max_retries=self.max_retries,
            max_output_tokens=self.max_output_tokens,
            input_token_budget=self.input_token_budget,
        )

    def client(self) -> anthropic.Anthropic | None:
        """The Anthropic client, or None when the settings do not call Claude (no key, offline)."""
        if self._client is None:
            self._client = make_client(self.settings())
        return self._client

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def analysis_metadata(outcome: AnalysisOutcome) -> dict[str, Any]:
    """Materialization metadata of one analysis: its fields (cost included) and a summary."""
    metadata = ids_as_text({k: v for k, v in outcome.metadata().items() if v is not None})
    metadata["summary"] = dg.MetadataValue.md(outcome.markdown())
    return metadata
