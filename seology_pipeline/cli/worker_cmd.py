"""``seology worker``: a Celery worker that executes runs sent by the Celery run launcher."""

from __future__ import annotations

import click

from seology_pipeline.deploy.celery_app import start_worker
from seology_pipeline.instance import dagster_home
from seology_pipeline.settings import celery_settings


@click.command()
@click.option(
    "--name", default="seology", show_default=True, help="Worker name (NAME@host), one per worker."
)
def worker(name: str) -> None:
    """Execute Dagster runs from the Celery broker (SEOLOGY_CELERY_BROKER_URL), as many at once
    as SEOLOGY_CELERY_WORKER_CONCURRENCY, on the instance in DAGSTER_HOME."""
    settings = celery_settings()
    home = dagster_home()
    click.echo(
        f"Celery worker {name}: {settings.concurrency} run(s) at once, DAGSTER_HOME={home}",
        err=True,
    )
    start_worker(settings, name, home)
