"""Issue rows as text for the terminal: an aligned table, JSON or CSV (pandas)."""

from __future__ import annotations

import json
from typing import Any, Literal

import pandas as pd

RowFormat = Literal["table", "json", "csv"]
TABLE_COLUMNS = ("id", "severity", "category", "rule", "change", "url", "message")
TABLE_CELL_MAX = 60


def _clip(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= TABLE_CELL_MAX else text[: TABLE_CELL_MAX - 1] + "…"


def format_rows(
    rows: list[dict[str, Any]], fmt: RowFormat, columns: tuple[str, ...] = TABLE_COLUMNS
) -> str:
    """``rows`` (issue rows from :func:`~seology_pipeline.report.report_rows`, or URL rows with
    their ``columns``) as ``table``, ``json`` or ``csv`` text. Raises ``ValueError`` naming the
    accepted formats for anything else."""
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    if fmt == "csv":
        names = list(rows[0]) if rows else list(columns)
        return pd.DataFrame(rows, columns=names).to_csv(index=False)
    if fmt == "table":
        if not rows:
            return "No rows." if columns != TABLE_COLUMNS else "No issues."
        cells = [[_clip(row.get(column, "")) for column in columns] for row in rows]
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
        lines = [columns, tuple("-" * w for w in widths), *cells]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in lines
        )
    raise ValueError(f"unknown report format {fmt!r}; use table, json or csv")
