"""``seology`` root command: shared error handling, then the command groups (loaded lazily, so a
command imports only what it needs — Dagster alone takes over a second to import)."""

from __future__ import annotations

import gc
import importlib
import sys
import warnings

import click

from seology_pipeline.cli.errors import ExpectedError, missing_schema

COMMANDS = {
    "browser": "seology_pipeline.cli.browser_cmds:browser",
    "cleanup": "seology_pipeline.cli.maintenance_cmds:cleanup",
    "crawl": "seology_pipeline.cli.run_cmds:crawl",
    "db": "seology_pipeline.cli.db_cmds:db",
    "demo": "seology_pipeline.cli.demo_cmd:demo",
    "dev": "seology_pipeline.cli.instance_cmds:dev",
    "history": "seology_pipeline.cli.history_cmd:history",
    "instance": "seology_pipeline.cli.instance_cmds:instance",
    "jobs": "seology_pipeline.cli.jobs_cmds:jobs_group",
    "report": "seology_pipeline.cli.report_cmd:report",
    "rules": "seology_pipeline.cli.rules_cmd:rules",
    "sites": "seology_pipeline.cli.accounts_cmds:sites",
    "status": "seology_pipeline.cli.run_cmds:status",
    "usage": "seology_pipeline.cli.usage_cmd:usage",
    "usage-reset": "seology_pipeline.cli.maintenance_cmds:usage_reset",
    "users": "seology_pipeline.cli.accounts_cmds:users",
    "worker": "seology_pipeline.cli.worker_cmd:worker",
}


class SeologyGroup(click.Group):
    """Loads commands on first use and turns expected failures (bad settings, unreachable
    services, refusals) into one line on stderr with exit code 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        return getattr(importlib.import_module(module), attribute)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        resolved = super().resolve_command(ctx, args)
        if not gc.isenabled():  # the console script paused the collector while the command loaded
            gc.freeze()
            gc.enable()
        return resolved

    def invoke(self, ctx: click.Context) -> object:
        if not ctx.params.get("verbose"):  # before the command's module is imported
            warnings.simplefilter("ignore")
        try:
            return super().invoke(ctx)
        except ExpectedError as exc:
            fail(str(exc))
        except Exception as exc:
            fix = missing_schema(exc)
            if fix is None:
                raise
            fail(fix)


def fail(message: str) -> None:
    """Print ``message`` as the one error line and exit with code 2."""
    click.echo(f"seology: error: {message}", err=True)
    sys.exit(2)


@click.group(cls=SeologyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Show Dagster's run log and library warnings.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Seology pipeline: crawl, audit and analyse connected sites with Dagster."""
    ctx.obj = {"verbose": verbose}
