"""The jobs-table sensors and the one reading of a run (``run_outcome``), against a real Dagster
instance, real in-process runs and a real app database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg
import pytest
from sqlalchemy import Engine, select, text, update

from seology_pipeline import jobs
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Job, JobState, SiteConnection, User, utcnow
from seology_pipeline.defs.app_requests import app_requests
from seology_pipeline.defs.local import run_site_job
from seology_pipeline.defs.maintenance import cleanup
from seology_pipeline.defs.resources import DatabaseResource
from seology_pipeline.defs.run_outcome import run_outcome
from seology_pipeline.defs.sensors import encode_site_cursor
from seology_pipeline.names import (
    JOB_ID_TAG,
    MAX_RETRIES_TAG,
    PRIORITY_TAG,
    SITES_PARTITIONS,
)
from seology_pipeline_tests.defs.ticks import job_runs_tick
from seology_pipeline_tests.factories import add_customer


def _database(engine: Engine) -> DatabaseResource:
    return DatabaseResource(url=engine.url.render_as_string(hide_password=False))


def _tick(engine: Engine, instance: dg.DagsterInstance):
    """A tick of ``app_requests`` in a deployment that has seen every site connection so far."""
    with session_scope(engine) as session:
        newest = session.execute(
            select(SiteConnection.id, SiteConnection.created_at).order_by(
                SiteConnection.created_at.desc(), SiteConnection.id.desc()
            )
        ).first()
    cursor = encode_site_cursor(*newest) if newest else None
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"database": _database(engine)}
    ) as context:
        return app_requests(context)


def _insert(engine: Engine, job_type: str, payload: str, priority: int = 0) -> str:
    with engine.begin() as connection:
        return connection.execute(
            text("INSERT INTO jobs (type, payload, priority) VALUES (:t, :p, :n) RETURNING id"),
            {"t": job_type, "p": payload, "n": priority},
        ).scalar_one()


def _row(engine: Engine, job_id: str) -> jobs.JobStatus:
    with session_scope(engine) as session:
        return jobs.JobStatus.of(jobs.find(session, job_id))


def test_pending_rows_become_runs_keyed_by_row_and_bad_rows_fail(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    add_customer(app_engine, "https://example.com/")
    crawl = _insert(app_engine, "CRAWL_SITE", '{"siteId": "site-1", "maxPages": 20}', 10)
    analysis = _insert(app_engine, "ANALYZE_ISSUES", '{"siteId": "site-1"}', 5)
    clean = _insert(app_engine, "CLEANUP", '{"daysOld": 30}')
    reset = _insert(app_engine, "RESET_USAGE", '{"month": "2026-03"}', -5)
    bad = _insert(app_engine, "CLEANUP", '{"daysOld": -5}', 20)

    result = _tick(app_engine, instance)

    requests = {request.run_key: request for request in result.run_requests}
    assert list(requests) == [crawl, analysis, clean, reset]
    assert [requests[k].job_name for k in requests] == [
        "crawl_site",
        "analyse_site",
        "cleanup",
        "usage_reset",
    ]
    assert requests[crawl].partition_key == "site-1"
    assert requests[crawl].run_config == {
        "ops": {"crawled_pages": {"config": {"user_id": None, "max_pages": 20}}}
    }
    assert requests[clean].run_config == {"ops": {"clean_up": {"config": {"days_old": 30}}}}
    assert requests[reset].tags["seology/month"] == "2026-03"
    for key, request in requests.items():
        assert request.tags[JOB_ID_TAG] == key and request.tags[MAX_RETRIES_TAG] == "2"
    assert requests[crawl].tags[PRIORITY_TAG] == "10" and requests[reset].tags[PRIORITY_TAG] == "-5"
    [add] = result.dynamic_partitions_requests
    assert list(add.partition_keys) == ["site-1"]

    failed = _row(app_engine, bad)
    assert failed.status == JobState.FAILED and failed.completed_at is not None
    assert failed.error == "daysOld must be between 1 and 3650, got -5"
    assert _row(app_engine, clean).status == JobState.PENDING
    assert _row(app_engine, crawl).site_id == "site-1"
    assert isinstance(_tick(app_engine, instance), dg.SkipReason)  # claimed rows go once


def test_launched_rows_learn_their_run_and_lost_launches_are_retried(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    seen, lost = _insert(app_engine, "CLEANUP", "{}"), _insert(app_engine, "CLEANUP", "{}")
    assert {r.run_key for r in _tick(app_engine, instance).run_requests} == {seen, lost}
    instance.add_run(dg.DagsterRun(job_name="cleanup", run_id="run-seen", tags={JOB_ID_TAG: seen}))
    with app_engine.begin() as connection:
        connection.execute(
            update(Job).where(Job.id == lost).values(launched_at=utcnow() - timedelta(hours=1))
        )
    result = _tick(app_engine, instance)
    assert [r.run_key for r in result.run_requests] == [lost]
    assert _row(app_engine, seen).run_id == "run-seen"


def test_a_finished_run_is_read_once_with_public_result_names(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    job_id = _insert(app_engine, "CLEANUP", '{"daysOld": 30}')
    cursor = job_runs_tick(app_engine, instance)
    result = cleanup.execute_in_process(
        instance=instance,
        resources={"database": _database(app_engine)},
        tags={JOB_ID_TAG: job_id, PRIORITY_TAG: "0"},
    )
    outcome = run_outcome(instance, result.dagster_run)
    assert outcome.state == JobState.COMPLETED and outcome.error is None
    assert outcome.result["success"] is True
    assert {"rollbacksCleaned", "jobsCleaned", "audit_logs_cleaned", "dry_run"} <= set(
        outcome.result
    )
    assert "auditLogsCleaned" not in outcome.result
    assert outcome.attempts == 1 and outcome.started_at <= outcome.completed_at

    assert _row(app_engine, job_id).status == JobState.PENDING
    job_runs_tick(app_engine, instance, cursor)
    row = _row(app_engine, job_id).as_dict()
    assert row["status"] == "COMPLETED" and row["run_id"] == result.run_id
    assert row["result"]["rollbacksCleaned"] == 0 and row["completed_at"].endswith("Z")


def test_a_run_canceled_in_the_ui_is_canceled_with_iso_times(
    app_engine: Engine, instance: dg.DagsterInstance
) -> None:
    job_id = _insert(app_engine, "CLEANUP", '{"daysOld": 30}')
    cursor = job_runs_tick(app_engine, instance)
    run = instance.create_run_for_job(cleanup, tags={JOB_ID_TAG: job_id, PRIORITY_TAG: "0"})
    instance.report_run_canceled(run, message="canceled from the UI")
    outcome = run_outcome(instance, run)
    assert outcome.state == JobState.CANCELED and not outcome.success
    assert outcome.error == "the run was canceled" and outcome.job_type == "CLEANUP"
    job_runs_tick(app_engine, instance, cursor)
    row = _row(app_engine, job_id).as_dict()
    assert (row["status"], row["run_id"], row["error"]) == (
        "CANCELED",
        run.run_id,
        "the run was canceled",
    )
    assert row["completed_at"].endswith("Z") and row["attempts"] == 1


def test_a_refused_run_started_elsewhere_fails_with_the_root_cause(
    app_engine: Engine, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEOLOGY_DATABASE_URL", app_engine.url.render_as_string(hide_password=False))
    with session_scope(app_engine) as session:
        session.add(User(id="free"))  # no subscription: the pipeline refuses the crawl
    add_customer(
        app_engine, "https://example.com/", site_id="unpaid", user_id="free", with_user=False
    )
    instance.add_dynamic_partitions(SITES_PARTITIONS, ["unpaid"])
    cursor = job_runs_tick(app_engine, instance)
    outcome = run_site_job(instance, "crawl_site", "unpaid")
    assert outcome.state == JobState.FAILED and not outcome.success
    assert outcome.error.startswith("crawl refused: ") and "Error occurred" not in outcome.error
    assert outcome.job_type == "CRAWL_SITE" and outcome.payload == {"siteId": "unpaid"}

    # A sensor without a cursor starts from now: the run that already ended is not its business.
    job_runs_tick(app_engine, instance)
    with session_scope(app_engine) as session:
        assert session.get(Job, outcome.run_id) is None
    job_runs_tick(app_engine, instance, cursor)
    row = _row(app_engine, outcome.run_id)
    assert (row.id, row.type, row.status, row.site_id) == (
        outcome.run_id,
        "CRAWL_SITE",
        JobState.FAILED,
        "unpaid",
    )
    assert row.error == outcome.error and row.attempts == 1
    assert row.result == {"success": False}
