"""``seology db``: app database maintenance."""

from __future__ import annotations

import click

from seology_pipeline.db.engine import connected_engine
from seology_pipeline.db.migrate import current_revision, upgrade


@click.group()
def db() -> None:
    """The app database (SEOLOGY_DATABASE_URL)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target Alembic revision.")
def upgrade_command(revision: str) -> None:
    """Create or migrate the app database schema."""
    engine = connected_engine()
    upgrade(engine, revision)
    click.echo(
        f"database {engine.url.render_as_string(hide_password=True)} "
        f"at revision {current_revision(engine)}"
    )
    engine.dispose()
