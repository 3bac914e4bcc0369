"""The queue client over the ``jobs`` table (SQLite and PostgreSQL): validation before any row
is written, enqueue of each job type, status by job or run id, cancel, wait."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from seology_pipeline.accounts import month_key
from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Job, SiteConnection, User
from seology_pipeline.names import MANUAL_PRIORITIES
from seology_pipeline.queue import (
    JobError,
    JobNotFoundError,
    JobState,
    PayloadError,
    QueueClient,
    parse_priority,
)
from seology_pipeline_tests.databases import app_engine

__all__ = ["app_engine"]


@pytest.fixture
def client(app_engine: Engine) -> Iterator[QueueClient]:
    with session_scope(app_engine) as session:
        session.add_all([User(id="owner"), User(id="other")])
        session.flush()
        session.add_all(
            [
                SiteConnection(id="s1", user_id="owner", root_url="https://a.example/", name="A"),
                SiteConnection(
                    id="off",
                    user_id="owner",
                    root_url="https://b.example/",
                    name="B",
                    is_active=False,
                ),
            ]
        )
    with QueueClient(app_engine) as client:
        yield client


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.enqueue_crawl("nope", "owner"), "site 'nope' does not exist"),
        (lambda c: c.enqueue_crawl("off", "owner"), "site 'off' is not active"),
        (lambda c: c.enqueue_crawl("s1", "other"), "user 'other' does not own site 's1'"),
        (lambda c: c.enqueue_crawl("s1", "ghost"), "user 'ghost' does not exist"),
        (lambda c: c.enqueue_crawl("s1", ""), "userId must be a non-empty string"),
        (lambda c: c.enqueue_crawl("", "owner"), "siteId must be a non-empty string"),
        (lambda c: c.enqueue_crawl("s1", "owner", max_pages=0), "between 1 and 50000, got 0"),
        (lambda c: c.enqueue_crawl("s1", "owner", max_pages="9"), "maxPages must be a whole"),
        (lambda c: c.enqueue_crawl("s1", "owner", max_pages=True), "maxPages must be a whole"),
        (lambda c: c.enqueue_crawl("s1", "owner", priority="urgent"), "priority must be one of"),
        (lambda c: c.enqueue_crawl("s1", priority=5000), "priority must be between -1000"),
        (lambda c: c.enqueue_analysis("s1", "other"), "does not own site 's1'"),
        (lambda c: c.enqueue_cleanup(0), "daysOld must be between 1 and 3650, got 0"),
        (lambda c: c.enqueue_usage_reset("2026-13"), "month"),
        (lambda c: c.enqueue_cleanup(10**6), "daysOld must be between 1 and 3650, got 1000000"),
        (lambda c: c.enqueue_crawl("x" * 100_000, "owner"), "at most 64 characters$"),
        (lambda c: c.enqueue_usage_reset(month_key()), "only once the month is over"),
        (lambda c: c.enqueue_usage_reset("2999-01"), "only once the month is over"),
        (lambda c: c.enqueue_usage_reset("2026-03", force="yes"), "force must be true or false"),
        (lambda c: c.enqueue("SEND_MAIL", {}), "type must be one of"),
        (lambda c: c.enqueue("RESET_USAGE", {}), "month is required"),
    ],
)
def test_bad_input_writes_no_row(client: QueueClient, call, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        call(client)
    with session_scope(client.engine) as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_each_job_type_is_a_pending_row(client: QueueClient) -> None:
    ids = [
        client.enqueue_crawl("s1", "owner", max_pages=50_000, priority="high"),
        client.enqueue_analysis("s1"),
        client.enqueue_cleanup(30, priority=-7),
        client.enqueue_usage_reset("2026-03", priority="low"),
    ]
    statuses = [client.job_status(job_id).as_dict() for job_id in ids]
    assert [s["type"] for s in statuses] == [
        "CRAWL_SITE",
        "ANALYZE_ISSUES",
        "CLEANUP",
        "RESET_USAGE",
    ]
    assert {s["status"] for s in statuses} == {"PENDING"}
    assert [s["priority"] for s in statuses] == [10, 0, -7, -5]
    assert statuses[0]["payload"] == {"siteId": "s1", "userId": "owner", "maxPages": 50_000}
    assert statuses[0]["site_id"] == "s1" and statuses[2]["payload"] == {"daysOld": 30}
    assert statuses[3]["payload"] == {"month": "2026-03", "force": False}
    assert statuses[0]["created_at"].endswith("Z") and statuses[0]["result"] is None


def test_cancel_and_lookups(client: QueueClient) -> None:
    job_id = client.enqueue_cleanup(30)
    assert client.cancel(job_id).status == JobState.CANCELED
    assert client.wait(job_id, timeout=1).status == JobState.CANCELED
    with pytest.raises(JobError, match="already ended CANCELED"):
        client.cancel(job_id)
    with pytest.raises(JobNotFoundError, match="no run or job 'nope'"):
        client.job_status("nope")
    pending = client.enqueue_cleanup(30)
    with pytest.raises(JobError, match="still PENDING after"):
        client.wait(pending, timeout=0.2, poll=0.1)


def test_priorities() -> None:
    assert [parse_priority(p) for p in ("high", "normal", "low")] == [10, 0, -5]
    assert parse_priority(-20) == -20
    assert MANUAL_PRIORITIES["high"] > MANUAL_PRIORITIES["normal"] > MANUAL_PRIORITIES["low"]


def test_an_operator_may_force_the_current_months_reset(client: QueueClient) -> None:
    job_id = client.enqueue_usage_reset(month_key(), force=True)
    status = client.job_status(job_id)
    assert status.status == JobState.PENDING
    assert status.payload == {"month": month_key(), "force": True}
