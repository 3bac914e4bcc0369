"""The queue client without a webserver: validation, settings, unreachable server, statuses."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import SiteConnection, User
from seology_pipeline.names import MANUAL_PRIORITIES
from seology_pipeline.queue import (
    DAGSTER_STATES,
    JobState,
    QueueClient,
    QueueError,
    ServerUnavailableError,
    ValidationError,
    job_state,
    metadata_values,
    parse_priority,
    status_from_graphql,
)
from seology_pipeline.settings import SettingsError
from seology_pipeline_tests.databases import migrated_engine, sqlite_url


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with migrated_engine(sqlite_url(tmp_path)) as engine:
        with session_scope(engine) as session:
            session.add_all([User(id="owner"), User(id="other")])
            session.flush()
            session.add_all(
                [
                    SiteConnection(
                        id="s1", user_id="owner", root_url="https://a.example/", name="A"
                    ),
                    SiteConnection(
                        id="off",
                        user_id="owner",
                        root_url="https://b.example/",
                        name="B",
                        is_active=False,
                    ),
                ]
            )
        yield engine


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def client(engine: Engine, closed_port: int) -> QueueClient:
    return QueueClient(f"http://127.0.0.1:{closed_port}", engine=engine, timeout=5)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.enqueue_crawl("nope", "owner"), "site 'nope' does not exist"),
        (lambda c: c.enqueue_crawl("off", "owner"), "site 'off' is not active"),
        (lambda c: c.enqueue_crawl("s1", "other"), "user 'other' does not own site 's1'"),
        (lambda c: c.enqueue_crawl("s1", "ghost"), "user 'ghost' does not exist"),
        (lambda c: c.enqueue_crawl("s1", ""), "user id must be a non-empty string"),
        (lambda c: c.enqueue_crawl("", "owner"), "site id must be a non-empty string"),
        (lambda c: c.enqueue_crawl("s1", "owner", max_pages=0), "between 1 and 50000, got 0"),
        (lambda c: c.enqueue_crawl("s1", "owner", max_pages=50_001), "between 1 and 50000"),
        (lambda c: c.enqueue_crawl("s1", "owner", max_pages="9"), "max_pages must be a whole"),
        (lambda c: c.enqueue_crawl("s1", "owner", max_pages=True), "max_pages must be a whole"),
        (lambda c: c.enqueue_crawl("s1", "owner", priority="urgent"), "priority must be one of"),
        (lambda c: c.enqueue_analysis("s1", "other"), "does not own site 's1'"),
        (lambda c: c.enqueue_analysis("off"), "site 'off' is not active"),
        (lambda c: c.enqueue_cleanup(0), "days_old must be at least 1, got 0"),
        (lambda c: c.enqueue_cleanup(90, audit_log_days=-1), "audit_log_days must be at least"),
        (lambda c: c.enqueue_cleanup(90, dry_run="yes"), "dry_run must be true or false"),
        (lambda c: c.enqueue_usage_reset("2026-13"), "month must be YYYY-MM"),
        (lambda c: c.enqueue_usage_reset("March"), "month must be YYYY-MM"),
        (lambda c: c.enqueue_usage_reset("2099-01"), "usage reset of 2099-01 refused"),
        (lambda c: c.enqueue_usage_reset("2026-03", force="yes"), "force must be true or"),
        (lambda c: c.job_status(""), "run id must be a non-empty string"),
    ],
)
def test_bad_input_is_refused_before_contacting_the_server(client, call, message) -> None:
    # The server port is closed: reaching it would raise ServerUnavailableError instead.
    with pytest.raises(ValidationError, match=message):
        call(client)


def test_valid_requests_then_fail_clearly_on_an_unreachable_server(client, closed_port) -> None:
    calls = [
        lambda: client.enqueue_crawl("s1", "owner", max_pages=50_000, priority="high"),
        lambda: client.enqueue_analysis("s1"),
        lambda: client.enqueue_cleanup(30),
        lambda: client.enqueue_usage_reset("2026-03"),
        lambda: client.enqueue_usage_reset("2099-01", force=True),
        lambda: client.job_status("0123"),
    ]
    for call in calls:
        with pytest.raises(ServerUnavailableError, match=f"127.0.0.1:{closed_port}"):
            call()


def test_url_setting(monkeypatch: pytest.MonkeyPatch, engine: Engine) -> None:
    monkeypatch.delenv("SEOLOGY_DAGSTER_URL", raising=False)
    with pytest.raises(ServerUnavailableError, match="set SEOLOGY_DAGSTER_URL"):
        QueueClient(engine=engine)
    for bad in ("ftp://x:3000", "127.0.0.1:3000", "http://:3000", "http://h:port"):
        monkeypatch.setenv("SEOLOGY_DAGSTER_URL", bad)
        with pytest.raises(SettingsError, match="SEOLOGY_DAGSTER_URL must be"):
            QueueClient(engine=engine)
    monkeypatch.setenv("SEOLOGY_DAGSTER_URL", "https://dagster.example/prefix/")
    assert QueueClient(engine=engine)._client._url == "https://dagster.example/prefix/graphql"


def test_priorities() -> None:
    assert parse_priority("high") > parse_priority("normal") > parse_priority("low")
    assert parse_priority("normal") == MANUAL_PRIORITIES["normal"]
    with pytest.raises(ValidationError):
        parse_priority(None)  # type: ignore[arg-type]


def test_state_mapping() -> None:
    assert job_state("QUEUED") == job_state("STARTING") == JobState.PENDING
    assert job_state("STARTED") == JobState.PROCESSING
    assert job_state("SUCCESS") == JobState.COMPLETED
    assert job_state("FAILURE") == JobState.FAILED
    assert job_state("CANCELED") == JobState.CANCELED
    with pytest.raises(QueueError, match="unknown Dagster run status 'EXPLODED'"):
        job_state("EXPLODED")


def test_every_dagster_run_status_is_mapped() -> None:
    import dagster as dg

    assert {s.value for s in dg.DagsterRunStatus} == set(DAGSTER_STATES)


def _run(status: str, **extra) -> dict:
    return {
        "runId": "r1",
        "jobName": "crawl_site",
        "status": status,
        "creationTime": 1_767_000_000.0,
        "startTime": 1_767_000_002.0,
        "endTime": 1_767_000_009.5,
        "tags": [{"key": "dagster/partition", "value": "s1"}, {"key": "x", "value": "y"}],
        **extra,
    }


def _entry(kind: str, label: str, **value) -> dict:
    return {"__typename": kind, "label": label, **value}


def test_status_of_a_successful_crawl() -> None:
    events = [
        {"__typename": "ExecutionStepStartEvent"},
        {
            "__typename": "MaterializationEvent",
            "assetKey": {"path": ["crawled_pages"]},
            "partition": "s1",
            "metadataEntries": [
                _entry("IntMetadataEntry", "pagesAnalyzed", intRepr="5000000000"),
                _entry("FloatMetadataEntry", "duration_s", floatValue=6.5),
            ],
        },
        {
            "__typename": "MaterializationEvent",
            "assetKey": {"path": ["seo_issues"]},
            "partition": "s1",
            "metadataEntries": [
                _entry("IntMetadataEntry", "issuesFound", intRepr="42"),
                _entry("BoolMetadataEntry", "partial", boolValue=False),
                _entry("JsonMetadataEntry", "by_severity", jsonString='{"high": 2}'),
                _entry("MarkdownMetadataEntry", "top", mdStr="| a |"),
                _entry("TextMetadataEntry", "note", text="ok"),
                _entry("UrlMetadataEntry", "link", url="http://x"),
            ],
        },
    ]
    status = status_from_graphql(_run("SUCCESS"), events)
    assert status.status == JobState.COMPLETED and status.finished and status.error is None
    assert status.site_id == "s1"
    assert status.result == {
        "pagesAnalyzed": 5_000_000_000,
        "duration_s": 6.5,
        "issuesFound": 42,
        "partial": False,
        "by_severity": {"high": 2},
        "top": "| a |",
        "note": "ok",
    }
    assert status.assets["seo_issues"]["issuesFound"] == 42
    assert status.started_at == datetime.fromtimestamp(1_767_000_002.0, UTC)
    assert status.duration_seconds == 7.5
    as_dict = status.as_dict()
    assert as_dict["status"] == "COMPLETED" and as_dict["success"] is True
    assert as_dict["result"]["issuesFound"] == 42 and as_dict["durationSeconds"] == 7.5


def test_status_of_a_failed_run_keeps_the_step_error() -> None:
    events = [
        {
            "__typename": "ExecutionStepFailureEvent",
            "stepKey": "crawled_pages",
            "error": {
                "message": "dagster._core.definitions.events.Failure: crawl refused: "
                "user 'u2' does not own site 's1'\n\nStack trace: ..."
            },
        },
        {"__typename": "RunFailureEvent", "message": 'Execution of run for "crawl_site" failed.'},
    ]
    status = status_from_graphql(_run("FAILURE"), events)
    assert status.status == JobState.FAILED
    assert status.error == "crawl refused: user 'u2' does not own site 's1'"
    assert status.as_dict()["success"] is False
    only_run = status_from_graphql(_run("FAILURE"), events[1:])
    assert only_run.error == 'Execution of run for "crawl_site" failed.'
    assert status_from_graphql(_run("FAILURE"), []).error == "the run failed"


def test_status_of_a_queued_run() -> None:
    status = status_from_graphql(_run("QUEUED", startTime=None, endTime=None), [])
    assert status.status == JobState.PENDING and not status.finished
    assert status.started_at is None and status.duration_seconds is None
    assert status.as_dict()["success"] is None


def test_op_job_outputs_become_the_result() -> None:
    events = [
        {
            "__typename": "ExecutionStepOutputEvent",
            "stepKey": "clean_up",
            "metadataEntries": [
                _entry("IntMetadataEntry", "rollbacksCleaned", intRepr="3"),
                _entry("IntMetadataEntry", "jobsCleaned", intRepr="7"),
            ],
        }
    ]
    status = status_from_graphql(_run("SUCCESS", jobName="cleanup", tags=[]), events)
    assert status.result == {"rollbacksCleaned": 3, "jobsCleaned": 7}
    assert status.site_id is None and status.assets == {}


def test_metadata_values_ignores_unknown_kinds() -> None:
    assert metadata_values([_entry("PathMetadataEntry", "p", path="/x")]) == {}
