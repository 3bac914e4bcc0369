"""The per-site pipeline: assets, jobs, sensors and the resources they use."""

import dagster as dg

from seology_pipeline.defs.assets import (
    analyse_site_job,
    crawl_site_job,
    crawled_pages,
    first_crawl_job,
    local_crawl_job,
    site_analysis,
)
from seology_pipeline.defs.checks import CHECKS
from seology_pipeline.defs.claude import ClaudeResource
from seology_pipeline.defs.crawler import CrawlerResource
from seology_pipeline.defs.reaper import dead_crawls
from seology_pipeline.defs.sensors import (
    due_recrawls,
    removed_site_connections,
    site_analysis_automation,
)

defs = dg.Definitions(
    assets=[crawled_pages, site_analysis],
    asset_checks=CHECKS,
    jobs=[crawl_site_job, first_crawl_job, local_crawl_job, analyse_site_job],
    sensors=[
        due_recrawls,
        removed_site_connections,
        site_analysis_automation,
        dead_crawls,
    ],
    resources={"crawler": CrawlerResource(), "claude": ClaudeResource()},
    # One process per run: the multiprocess executor costs seconds per step.
    executor=dg.in_process_executor,
)
