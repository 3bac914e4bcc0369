"""The ``jobs`` table's domain: payload validation, claiming by priority, cancelling, recording
run outcomes and the result schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from seology_pipeline import jobs
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Job, JobState, SiteConnection, User
from seology_pipeline.jobs import JobType, PayloadError, RunOutcome
from seology_pipeline_tests.factories import add_customer

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _insert(engine: Engine, job_type: str, payload: str, **columns: object) -> str:
    """A row as the web app writes it: plain SQL, database defaults for everything else."""
    names = ", ".join(["type", "payload", *columns])
    values = ", ".join([":type", ":payload", *(f":{name}" for name in columns)])
    with engine.begin() as connection:
        return connection.execute(
            text(f"INSERT INTO jobs ({names}) VALUES ({values}) RETURNING id"),
            {"type": job_type, "payload": payload, **columns},
        ).scalar_one()


@pytest.mark.parametrize(
    ("job_type", "payload", "message"),
    [
        ("SEND_EMAIL", {}, "type must be one of CRAWL_SITE"),
        (JobType.CLEANUP, [], "payload must be a JSON object"),
        (JobType.CLEANUP, {"daysOld": -5}, "daysOld must be between 1 and 3650, got -5"),
        (JobType.CLEANUP, {"daysOld": "90"}, "daysOld must be a whole number"),
        (JobType.CLEANUP, {"dryRun": "yes"}, "dryRun must be true or false"),
        (JobType.CLEANUP, {"days_old": 3}, "unknown payload field 'days_old' for CLEANUP"),
        (JobType.RESET_USAGE, {"month": "2026-13"}, "month"),
        (JobType.CRAWL_SITE, {}, "siteId must be a non-empty string"),
        (JobType.CRAWL_SITE, {"siteId": "nope"}, "site 'nope' does not exist"),
        (JobType.CRAWL_SITE, {"siteId": "site-1", "userId": "eve"}, "user 'eve' does not exist"),
        (JobType.CRAWL_SITE, {"siteId": "site-1", "maxPages": 50_001}, "between 1 and 50000"),
        (JobType.ANALYZE_ISSUES, {"siteId": "off"}, "site 'off' is not active"),
    ],
)
def test_bad_payloads_are_refused_with_one_line(
    app_engine: Engine, job_type: str, payload: object, message: str
) -> None:
    add_customer(app_engine, "https://example.com/")
    with session_scope(app_engine) as session:
        session.add(SiteConnection(id="off", user_id="user-1", root_url="x", name="x"))
        session.flush()
        session.get(SiteConnection, "off").is_active = False
    with pytest.raises(PayloadError, match=message) as caught, session_scope(app_engine) as s:
        jobs.enqueue(s, job_type, payload)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)
    with app_engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM jobs")) == 0


def test_valid_payloads_become_launches(app_engine: Engine) -> None:
    add_customer(app_engine, "https://example.com/")
    with session_scope(app_engine) as session:
        session.add(User(id="other"))
        crawl = jobs.validate(
            session, "CRAWL_SITE", {"siteId": "site-1", "userId": "user-1", "maxPages": 20}
        )
        analysis = jobs.validate(session, "ANALYZE_ISSUES", {"siteId": "site-1"})
        cleanup = jobs.validate(session, "CLEANUP", {"daysOld": 30, "dryRun": True})
        reset = jobs.validate(session, "RESET_USAGE", {"month": "2026-03"})
        with pytest.raises(PayloadError, match="user 'other' does not own site 'site-1'"):
            jobs.validate(session, "CRAWL_SITE", {"siteId": "site-1", "userId": "other"})
    assert (crawl.job_name, crawl.site_id, crawl.op) == ("crawl_site", "site-1", "crawled_pages")
    assert crawl.config == {"user_id": "user-1", "max_pages": 20}
    assert (analysis.job_name, analysis.site_id, analysis.op) == ("analyse_site", "site-1", None)
    assert cleanup.config == {"days_old": 30, "dry_run": True} and cleanup.op == "clean_up"
    assert reset.config == {"force": False} and reset.month == "2026-03"  # the partition


def test_claims_go_by_priority_then_age_and_never_twice(app_engine: Engine) -> None:
    ids = {}
    for n in range(20):
        priority = (n % 4) * 10 - 10  # -10, 0, 10, 20
        created = (T0 + timedelta(minutes=n)).isoformat()
        ids[n] = _insert(app_engine, "CLEANUP", "{}", priority=priority, created_at=created)
    expected = [ids[n] for n in sorted(range(20), key=lambda n: (-((n % 4) * 10 - 10), n))]
    claimed: list[str] = []
    for _tick in range(5):
        with session_scope(app_engine) as session:
            claimed += [job.id for job in jobs.claim_pending(session, 6)]
    assert claimed == expected


def test_two_racing_claims_split_the_rows(app_engine: Engine) -> None:
    for n in range(40):
        _insert(app_engine, "CLEANUP", "{}", created_at=(T0 + timedelta(seconds=n)).isoformat())
    start = threading.Barrier(2)
    results: list[list[str]] = [[], []]

    def tick(index: int) -> None:
        start.wait()
        for _ in range(10):
            with session_scope(app_engine) as session:
                results[index] += [job.id for job in jobs.claim_pending(session, 5)]

    threads = [threading.Thread(target=tick, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(results[0]) & set(results[1])
    assert len(results[0]) + len(results[1]) == 40


def test_cancel_and_a_later_run_outcome(app_engine: Engine) -> None:
    job_id = _insert(app_engine, "CLEANUP", '{"daysOld": 30}')
    with session_scope(app_engine) as session:
        assert jobs.cancel(session, job_id).status == JobState.CANCELED
        with pytest.raises(jobs.JobError, match="already ended CANCELED"):
            jobs.cancel(session, job_id)
        assert jobs.claim_pending(session, 10) == []
        started = RunOutcome("run-1", "CLEANUP", JobState.PROCESSING, job_id=job_id)
        job = jobs.record_run(session, started)
        assert job.status == JobState.CANCELED and job.run_id == "run-1"
    with (
        pytest.raises(jobs.JobNotFoundError, match="no run or job 'nope'"),
        session_scope(app_engine) as session,
    ):
        jobs.find(session, "nope")


def test_run_outcomes_fill_the_row_and_retries_count_as_attempts(app_engine: Engine) -> None:
    job_id = _insert(app_engine, "CLEANUP", "{}")
    outcome = RunOutcome("run-1", "CLEANUP", JobState.PROCESSING, job_id=job_id, started_at=T0)
    failed = RunOutcome(
        "run-1", "CLEANUP", JobState.FAILED, job_id=job_id, error="boom", started_at=T0
    )
    retried = RunOutcome("run-2", "CLEANUP", JobState.PROCESSING, job_id=job_id, attempts=2)
    done = RunOutcome(
        "run-2",
        "CLEANUP",
        JobState.COMPLETED,
        job_id=job_id,
        attempts=2,
        result={"success": True, "jobsCleaned": 3},
    )
    with session_scope(app_engine) as session:
        assert jobs.record_run(session, failed).status == JobState.FAILED
        # A late "started" of the same attempt does not reopen the row; a retry does.
        assert jobs.record_run(session, outcome).status == JobState.FAILED
        assert jobs.record_run(session, retried).status == JobState.PROCESSING
        job = jobs.record_run(session, done)
        status = jobs.JobStatus.of(job).as_dict()
    assert status["status"] == "COMPLETED" and status["attempts"] == 2
    assert status["run_id"] == "run-2" and status["result"] == {"success": True, "jobsCleaned": 3}
    assert status["started_at"] == "2026-11-01T12:00:00Z"


def test_a_run_started_elsewhere_gets_its_own_row(app_engine: Engine) -> None:
    outcome = RunOutcome(
        "run-9",
        "CRAWL_SITE",
        JobState.COMPLETED,
        payload={"siteId": "s"},
        site_id="s",
        priority=-10,
        result={"success": True},
    )
    with session_scope(app_engine) as session:
        jobs.record_run(session, outcome)
    with session_scope(app_engine) as session:
        job = session.get(Job, "run-9")
        assert (job.type, job.status, job.site_id, job.priority) == (
            "CRAWL_SITE",
            JobState.COMPLETED,
            "s",
            -10,
        )
        assert job.completed_at is not None and jobs.find(session, "run-9") is job


def test_result_fields_keep_public_names_and_snake_case_the_rest() -> None:
    result = jobs.result_fields(
        {
            "pagesAnalyzed": 3,
            "conversation_id": 7,
            "conversationId": 7,
            "auditLogsCleaned": 2,
            "health_score": 88.5,
            "summary": {"not": "scalar"},
        },
        success=True,
    )
    assert result == {
        "success": True,
        "pagesAnalyzed": 3,
        "conversationId": 7,
        "audit_logs_cleaned": 2,
        "health_score": 88.5,
    }
