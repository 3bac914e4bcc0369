"""Site-level work: one crawl run, its audit, and the queries behind the sensors."""
