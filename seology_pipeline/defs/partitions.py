"""Every connected site is one partition of ``sites``, keyed by its site-connection id."""

import dagster as dg

SITES_PARTITIONS_NAME = "sites"

sites_partitions = dg.DynamicPartitionsDefinition(name=SITES_PARTITIONS_NAME)
