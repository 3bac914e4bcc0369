"""Evaluating the ``job_runs`` sensor as the daemon does, its cursor carried from tick to tick."""

from __future__ import annotations

import dagster as dg
from sqlalchemy import Engine

from seology_pipeline.defs.jobs_table import job_runs
from seology_pipeline.defs.resources import DatabaseResource

FROM_THE_FIRST_RUN = "{}"
"""A ``job_runs`` cursor before every status change (without one, a new sensor starts at now)."""


def job_runs_tick(
    engine: Engine, instance: dg.DagsterInstance, cursor: str | None = None
) -> str | None:
    """One tick of ``job_runs`` after ``cursor``; the cursor after it."""
    database = DatabaseResource(url=engine.url.render_as_string(hide_password=False))
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"database": database}
    ) as context:
        job_runs(context)
        return context.cursor
