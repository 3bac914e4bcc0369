"""The error every layer raises for a setting it cannot use."""

from __future__ import annotations


class SettingsError(ValueError):
    """A setting has a value we cannot use; the one-line message names the setting and the fix."""
