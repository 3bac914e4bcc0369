"""``seology rules``: the audit catalogue as a table, JSON or CSV."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import click
import pandas as pd

from seology_pipeline.audit.rules import catalogue
from seology_pipeline.cli.output import ROW_FORMAT, echo_table


def _flat(entry: Any) -> dict[str, Any]:
    row = dataclasses.asdict(entry)
    row["thresholds"] = ", ".join(f"{k}={v}" for k, v in entry.thresholds.items())
    return row


@click.command()
@ROW_FORMAT
def rules(fmt: str) -> None:
    """List the audit's rules with their severity, thresholds and the standard each follows."""
    entries = catalogue()
    if fmt == "json":
        click.echo(json.dumps([dataclasses.asdict(e) for e in entries], indent=2))
    elif fmt == "csv":
        click.echo(pd.DataFrame([_flat(e) for e in entries]).to_csv(index=False), nl=False)
    else:
        columns = ("code", "severity", "category", "title", "thresholds", "standard")
        echo_table([{c: _flat(e)[c] for c in columns} for e in entries])
