"""Definitions every area shares: the app database resource."""

import dagster as dg

from seology_pipeline.defs.resources import DatabaseResource

# The database resource reads SEOLOGY_DATABASE_URL itself when first used, so the URL (which
# may carry a password) never enters Dagster's run config or the UI.
defs = dg.Definitions(resources={"database": DatabaseResource()})
