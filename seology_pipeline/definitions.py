"""The code location: one ``Definitions`` merging the definitions of each area (``defs/``)."""

import dagster as dg

from seology_pipeline.defs import analysis_batches, core, maintenance, pipeline

defs = dg.Definitions.merge(core.defs, maintenance.defs, pipeline.defs, analysis_batches.defs)
