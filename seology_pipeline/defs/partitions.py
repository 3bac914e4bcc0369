"""Every connected site is one partition of ``sites``, keyed by its site-connection id."""

import dagster as dg

from seology_pipeline.names import SITES_PARTITIONS

sites_partitions = dg.DynamicPartitionsDefinition(name=SITES_PARTITIONS)
