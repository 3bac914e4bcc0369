"""The ``export_report`` job: a site's HTML report written for the web app to serve or mail."""

from typing import Any

import dagster as dg

from seology_pipeline.defs.partitions import sites_partitions
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.names import (
    DEFAULT_PRIORITY,
    EXPORT_REPORT_JOB,
    EXPORT_REPORT_OP,
    priority_tags,
)
from seology_pipeline.report.export import export_report
from seology_pipeline.settings import data_dir


@dg.op(name=EXPORT_REPORT_OP)
def export_report_op(
    context: dg.OpExecutionContext, database: DatabaseResource
) -> dg.Output[dict[str, Any]]:
    """Write the site's (the run's partition) HTML report to the reports folder."""
    with database.session() as session:
        result = export_report(session, context.partition_key, data_dir() / "reports")
    return dg.Output(result, metadata=result)


@dg.job(
    name=EXPORT_REPORT_JOB,
    partitions_def=sites_partitions,
    executor_def=dg.in_process_executor,
    tags=priority_tags(DEFAULT_PRIORITY),
)
def export_report_job() -> None:
    """Write one site's HTML report (the web app serves or mails the file)."""
    export_report_op()


defs = dg.Definitions(jobs=[export_report_job])
