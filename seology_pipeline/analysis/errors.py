"""Errors of the analysis, split by what the caller should do about them."""

from __future__ import annotations


class AnalysisError(RuntimeError):
    """Base class; messages never contain the API key."""


class TransientAnalysisError(AnalysisError):
    """Rate limit, overload or connection trouble that outlasted the SDK's retries: retry later."""


class AnalysisConfigError(AnalysisError):
    """The API refused the request itself (bad key, bad model, bad request): fix configuration."""
