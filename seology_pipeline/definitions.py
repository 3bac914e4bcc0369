"""The code location: one ``Definitions`` merging the definitions of each area (``defs/``)."""

import dagster as dg

from seology_pipeline.defs import (
    analysis_batches,
    app_requests,
    core,
    jobs_table,
    maintenance,
    pipeline,
    reports,
)

defs = dg.Definitions.merge(
    core.defs,
    maintenance.defs,
    pipeline.defs,
    jobs_table.defs,
    app_requests.defs,
    analysis_batches.defs,
    reports.defs,
)
