"""The code location: one ``Definitions`` merging the definitions of each area (``defs/``)."""

import dagster as dg

from seology_pipeline.defs import (
    analysis_batches,
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
    analysis_batches.defs,
    reports.defs,
)
