"""``seology usage``: each customer's Claude bill for a month."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from seology_pipeline.accounts import month_key
from seology_pipeline.analysis.costs import monthly_costs
from seology_pipeline.cli.errors import CommandError
from seology_pipeline.cli.output import echo_table
from seology_pipeline.db.engine import connected_engine, session_scope
from seology_pipeline.maintenance.timing import parse_month


@click.command()
@click.option("--month", help="Calendar month YYYY-MM (UTC); default the current month.")
@click.option("--user", "user_id", help="Only this user.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per user.")
def usage(month: str | None, user_id: str | None, as_json: bool) -> None:
    """Claude analyses, tokens and estimated USD cost per user for a month."""
    try:
        month = parse_month(month) if month else month_key()
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    engine = connected_engine()
    with session_scope(engine) as session:
        rows = monthly_costs(session, month, user_id)
    engine.dispose()
    if as_json:
        for row in rows:
            click.echo(json.dumps(asdict(row)))
        return
    echo_table(
        [
            {
                "user": row.user_id,
                "analyses": row.analyses,
                "batched": row.batched,
                "input": row.input_tokens,
                "output": row.output_tokens,
                "cache_write": row.cache_write_tokens,
                "cache_read": row.cache_read_tokens,
                "usd": f"{row.cost_usd:.4f}",
            }
            for row in rows
        ],
        empty=f"no analyses in {month}",
    )
    if rows:
        click.echo(f"total {month}: ${sum(row.cost_usd for row in rows):.4f}")
