"""One sensor for what the app database asks of the pipeline: the first run of each new site
connection and the runs of the ``jobs`` table's PENDING rows.

One sensor rather than two: each tick costs the daemon and the code server more than its queries
do, and both must answer within one daemon loop.
"""

import dagster as dg

from seology_pipeline.defs.assets import analyse_site_job, crawl_site_job, first_crawl_job
from seology_pipeline.defs.jobs_table import pending_job_requests
from seology_pipeline.defs.maintenance import cleanup, usage_reset
from seology_pipeline.defs.partitions import sites_partitions
from seology_pipeline.defs.reports import export_report_job
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.sensors import first_crawl_requests
from seology_pipeline.names import CRAWL_JOB


# The daemon evaluates sensors in a loop of 5 s at best; a minimum interval equal to the loop
# skips every other pass (10 s), a shorter one lets every pass evaluate these cheap queries.
@dg.sensor(
    jobs=[
        first_crawl_job,
        crawl_site_job,
        analyse_site_job,
        cleanup,
        usage_reset,
        export_report_job,
    ],
    minimum_interval_seconds=1,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Registers each new site connection as a partition and requests its first crawl, audit"
        " and analysis in one run; launches PENDING rows of the jobs table by priority then age"
        " (a bad payload fails its row with the reason)."
    ),
)
def app_requests(
    context: dg.SensorEvaluationContext, database: DatabaseResource
) -> dg.SensorResult | dg.SkipReason:
    first_runs, new_sites, cursor = first_crawl_requests(context.instance, database, context.cursor)
    row_runs, job_sites, rejected = pending_job_requests(context.instance, database)
    # A new site whose PENDING crawl row is launched in the same tick is crawled once, by that
    # row's run (the automation then analyses it), not twice in a row.
    row_crawls = {run.partition_key for run in row_runs if run.job_name == CRAWL_JOB}
    first_runs = [run for run in first_runs if run.partition_key not in row_crawls]
    if cursor == context.cursor and not row_runs:
        reason = "no new site connections, no pending jobs"
        return dg.SkipReason(f"{reason} ({rejected} rejected)" if rejected else reason)
    sites = sorted(set(new_sites) | set(job_sites))
    return dg.SensorResult(
        run_requests=[*first_runs, *row_runs],
        dynamic_partitions_requests=[sites_partitions.build_add_request(sites)] if sites else [],
        cursor=cursor,
    )


defs = dg.Definitions(sensors=[app_requests])
