"""The Claude resource (analysis settings from the environment and an Anthropic client) and the
metadata of a ``site_analysis`` materialization."""

from __future__ import annotations

import os
from typing import Any

import anthropic
import dagster as dg
from pydantic import Field, PrivateAttr

from seology_pipeline.analysis.analyst import AnalysisOutcome
from seology_pipeline.analysis.claude_api import make_client
from seology_pipeline.analysis.settings import AnalysisSettings
from seology_pipeline.settings import load_settings


class ClaudeResource(dg.ConfigurableResource):
    """Settings and client for the site analysis (see ``seology_pipeline.analysis.settings``).

    Every field left unset falls back to its environment variable when the resource is used, so
    an unset variable never fails a run (``dg.EnvVar`` of an unset variable does, which would
    break the key-less offline mode). Fields may also be given as ``dg.EnvVar(...)``. The API key
    is never a field: ``api_key_env_var`` names the variable that holds it, so the UI and run
    config only ever show that name.
    """

    mode: str | None = Field(default=None, description="auto | claude | offline | skip")
    model: str | None = Field(default=None, description="Claude model id")
    api_key_env_var: str = Field(
        default="ANTHROPIC_API_KEY", description="Name of the variable holding the API key"
    )
    base_url: str | None = Field(default=None, description="Messages API base URL")
    timeout_seconds: float | None = None
    max_retries: int | None = None
    max_output_tokens: int | None = None
    input_token_budget: int | None = None

    _client: anthropic.Anthropic | None = PrivateAttr(default=None)

    def settings(self) -> AnalysisSettings:
        """The analysis settings; raises ``SettingsError`` naming the variable at fault."""
        return load_settings().analysis_settings(
            api_key=os.environ.get(self.api_key_env_var, ""),
            mode=self.mode,
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
    metadata: dict[str, Any] = {k: v for k, v in outcome.metadata().items() if v is not None}
    metadata["summary"] = dg.MetadataValue.md(outcome.markdown())
    return metadata
