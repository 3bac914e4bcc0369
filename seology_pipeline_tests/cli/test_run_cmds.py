"""``seology crawl``'s refusal of a site whose crawl run is queued or in progress."""

from __future__ import annotations

import dagster as dg
import pytest
from sqlalchemy import Engine

from seology_pipeline.cli.errors import CommandError
from seology_pipeline.cli.run_cmds import check_crawl_request
from seology_pipeline.names import (
    ANALYSIS_JOB,
    CRAWL_JOB,
    FIRST_CRAWL_JOB,
    LOCAL_CRAWL_JOB,
    PARTITION_TAG,
)
from seology_pipeline_tests.databases import app_engine  # noqa: F401  (fixture)
from seology_pipeline_tests.factories import add_customer


@pytest.mark.parametrize("job_name", [CRAWL_JOB, FIRST_CRAWL_JOB, LOCAL_CRAWL_JOB])
def test_a_crawl_is_refused_while_a_crawl_run_of_the_site_is_under_way(
    app_engine: Engine,  # noqa: F811
    job_name: str,
) -> None:
    add_customer(app_engine, "https://example.com/")
    add_customer(app_engine, "https://example.org/", user_id="user-2", site_id="site-2")
    with dg.DagsterInstance.ephemeral() as instance:

        def under_way(run_id: str, job: str, site_id: str) -> None:
            tags = {PARTITION_TAG: site_id}
            status = dg.DagsterRunStatus.STARTED
            instance.add_run(dg.DagsterRun(job, run_id=run_id, status=status, tags=tags))

        under_way("analysis", ANALYSIS_JOB, "site-1")
        under_way("other-site", job_name, "site-2")
        check_crawl_request(app_engine, instance, "site-1", None)  # neither crawls site-1
        under_way("crawl", job_name, "site-1")
        with pytest.raises(CommandError, match="'site-1' already has crawl run crawl started"):
            check_crawl_request(app_engine, instance, "site-1", None)
