"""``seology history SITE``: the site's health score and issue counts crawl by crawl."""

from __future__ import annotations

import json

import click
import pandas as pd

from seology_pipeline.cli.errors import CommandError
from seology_pipeline.cli.output import ROW_FORMAT, echo_table
from seology_pipeline.db.engine import connected_engine, session_scope
from seology_pipeline.report.data import ReportError
from seology_pipeline.report.history import site_history


@click.command()
@click.argument("site_id")
@ROW_FORMAT
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
def history(site_id: str, fmt: str, limit: int) -> None:
    """The site's trend: one line per audited crawl, oldest first."""
    engine = connected_engine()
    try:
        with session_scope(engine) as session:
            rows = site_history(session, site_id, limit)
    except ReportError as exc:
        raise CommandError(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    elif fmt == "csv":
        click.echo(pd.DataFrame(rows).to_csv(index=False), nl=False)
    else:
        echo_table(rows, empty=f"{site_id} has no audited crawl yet")
