"""The example job of docs/adding-a-job.md, ``EXPORT_REPORT``, at each of its layers: the
domain function, the processor, the Dagster job, and a plain-SQL ``jobs`` row."""

from __future__ import annotations

import stat
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import select, text

from seology_pipeline import jobs
from seology_pipeline.db.engine import make_engine, session_scope
from seology_pipeline.db.models import Job
from seology_pipeline.defs.jobs_table import run_request
from seology_pipeline.defs.reports import export_report_job
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.names import SITES_PARTITIONS
from seology_pipeline.processors import run_crawl_job, run_export_report_job
from seology_pipeline.report import ReportError
from seology_pipeline_tests.databases import migrated_engine
from seology_pipeline_tests.factories import BOOKSHOP, add_customer
from seology_pipeline_tests.sites import serve_site


@pytest.fixture
def crawled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An app database with the site ``shop`` crawled and audited once."""
    url = f"sqlite:///{tmp_path / 'seology.db'}"
    monkeypatch.setenv("SEOLOGY_DATABASE_URL", url)
    monkeypatch.setenv("SEOLOGY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST", "127.0.0.1")
    monkeypatch.setenv("SEOLOGY_CRAWL_RENDER_MODE", "never")
    with migrated_engine(url) as engine, serve_site(BOOKSHOP) as site:
        add_customer(engine, f"{site.url}/", site_id="shop", user_id="ann")
        add_customer(
            engine, "https://never.example/", site_id="new", user_id="ann", with_user=False
        )
        run_crawl_job("shop", engine=engine)
    return url


def test_the_processor_writes_an_owner_only_report(crawled: str, tmp_path: Path) -> None:
    result = run_export_report_job("shop", folder=tmp_path / "out")
    path = Path(result["report_path"])
    assert result["success"] and path == tmp_path / "out" / "shop.html"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    html = path.read_text()
    assert result["report_bytes"] == len(html.encode()) and "broken_internal_link" in html
    with pytest.raises(ReportError):
        run_export_report_job("new", folder=tmp_path / "out")  # never crawled: no report


def test_the_dagster_job_exports_the_runs_partition(crawled: str, tmp_path: Path) -> None:
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(SITES_PARTITIONS, ["shop"])
        result = export_report_job.execute_in_process(
            partition_key="shop",
            instance=instance,
            resources={"database": DatabaseResource(url=crawled)},
        )
    assert result.success
    output = result.output_for_node("write_report")
    assert output["report_path"] == str(tmp_path / "data" / "reports" / "shop.html")
    assert Path(output["report_path"]).is_file()


def test_a_jobs_row_becomes_the_sites_export_run(crawled: str) -> None:
    engine = make_engine(crawled)
    with engine.begin() as connection:  # as the web app does it
        connection.execute(
            text("INSERT INTO jobs (id, type, payload) VALUES ('j1', 'EXPORT_REPORT', :p)"),
            {"p": '{"siteId": "shop"}'},
        )
    with session_scope(engine) as session:
        job = session.scalars(select(Job)).one()
        request = run_request(job, jobs.validate_row(session, job))
        with pytest.raises(jobs.PayloadError, match="site 'gone' does not exist"):
            jobs.validate(session, "EXPORT_REPORT", {"siteId": "gone"})
    assert (request.job_name, request.partition_key, request.run_key) == (
        "export_report",
        "shop",
        "j1",
    )
    engine.dispose()
