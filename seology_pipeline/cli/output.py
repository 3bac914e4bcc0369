"""Plain-text output helpers for the CLI."""

from __future__ import annotations

from typing import Any

import click

ROW_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
"""The ``--format table/json/csv`` option of the commands that print rows."""


def echo_table(rows: list[dict[str, Any]], *, empty: str = "nothing to show") -> None:
    """Print ``rows`` as aligned columns (headers from the first row's keys)."""
    if not rows:
        click.echo(empty)
        return
    headers = list(rows[0])
    cells = [[str(row.get(h, "")) for h in headers] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for line in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
