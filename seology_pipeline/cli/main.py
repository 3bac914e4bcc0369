"""``seology`` root command: shared error handling, then the command groups."""

from __future__ import annotations

import sys

import click

from seology_pipeline.cli import instance_cmds, run_cmds
from seology_pipeline.cli.accounts_cmds import sites, users
from seology_pipeline.cli.browser_cmds import browser
from seology_pipeline.cli.db_cmds import db
from seology_pipeline.cli.demo_cmd import demo
from seology_pipeline.cli.errors import ExpectedError


class SeologyGroup(click.Group):
    """Turns expected failures (bad settings, unreachable services) into one line on stderr."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ExpectedError as exc:
            click.echo(f"seology: error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=SeologyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Seology pipeline: crawl, audit and analyse connected sites with Dagster."""


cli.add_command(browser)
cli.add_command(db)
cli.add_command(instance_cmds.instance)
cli.add_command(instance_cmds.dev)
cli.add_command(users)
cli.add_command(sites)
cli.add_command(run_cmds.crawl)
cli.add_command(run_cmds.status)
cli.add_command(run_cmds.report)
cli.add_command(run_cmds.rules)
cli.add_command(demo)


def main() -> None:
    cli(prog_name="seology")
