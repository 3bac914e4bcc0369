"""The code location: one ``Definitions`` that merges the definitions of each area."""

import dagster as dg

from seology_pipeline.defs.resources import DatabaseResource

# The database resource reads SEOLOGY_DATABASE_URL itself when first used, so the URL (which
# may carry a password) never enters Dagster's run config or the UI.
core = dg.Definitions(resources={"database": DatabaseResource()})

defs = dg.Definitions.merge(core)
