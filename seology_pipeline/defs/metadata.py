"""Materialization metadata helpers shared by the assets and sensors."""

from __future__ import annotations

from typing import Any

import dagster as dg

from seology_pipeline.names import ID_METADATA_KEYS


def id_text(value: int | str | None) -> dg.TextMetadataValue | None:
    """An identifier as text: Dagster plots numeric metadata, and an id is no measure."""
    return None if value is None else dg.MetadataValue.text(str(value))


def ids_as_text(metadata: dict[str, Any]) -> dict[str, Any]:
    """``metadata`` with its identifier fields (``ID_METADATA_KEYS``) as text."""
    return {
        key: id_text(value) if key in ID_METADATA_KEYS and isinstance(value, int) else value
        for key, value in metadata.items()
    }


def plain_value(key: str, value: Any) -> Any:
    """A stored metadata value as a plain one; identifiers emitted as text are integers again."""
    plain = getattr(value, "value", value)
    if key in ID_METADATA_KEYS and isinstance(plain, str) and plain.isdigit():
        return int(plain)
    return plain
