"""The queue client against a real ``dagster-webserver`` and ``dagster-daemon`` (subprocesses) on a
temporary embedded instance: upkeep jobs, a crawl of the demo site, a refused crawl, bad run ids."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import Engine

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import (
    DEFAULT_PLANS,
    Plan,
    SiteConnection,
    Subscription,
    SubscriptionStatus,
    User,
)
from seology_pipeline.demo.server import serve_demo_site
from seology_pipeline.instance import apply_pool_limits, write_embedded_instance
from seology_pipeline.queue import JobState, JobStatus, QueueClient, RunNotFoundError
from seology_pipeline_tests.dagster_processes import dagster_stack
from seology_pipeline_tests.databases import migrated_engine, sqlite_url

RUN_TIMEOUT = 240


@dataclass
class Stack:
    url: str
    engine: Engine
    site_url: str
    jobs: set[str]
    log_dir: Path


def _populate(engine: Engine, site_url: str) -> None:
    with session_scope(engine) as session:
        for plan in DEFAULT_PLANS:
            if session.get(Plan, plan["code"]) is None:
                session.add(Plan(**plan))
        session.add_all(
            [User(id="owner", email="o@x.example"), User(id="free", email="f@x.example")]
        )
        session.flush()
        session.add(
            Subscription(user_id="owner", plan_code="pro", status=SubscriptionStatus.ACTIVE)
        )
        session.add_all(
            [
                SiteConnection(id="demo", user_id="owner", root_url=site_url, name="Demo bakery"),
                # No subscription: the pipeline refuses this owner's crawls.
                SiteConnection(id="unpaid", user_id="free", root_url=site_url, name="Unpaid"),
            ]
        )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("queue_stack")
    home = write_embedded_instance(root / "dagster_home")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        apply_pool_limits(instance)
    db_url = sqlite_url(root)
    with serve_demo_site() as site_url, migrated_engine(db_url) as engine:
        _populate(engine, site_url)
        env = {
            **os.environ,
            "DAGSTER_HOME": str(home),
            "SEOLOGY_DATABASE_URL": db_url,
            "SEOLOGY_DATA_DIR": str(root),
            "SEOLOGY_CRAWL_ALLOW_PRIVATE_NETWORKS": "true",
            "ANTHROPIC_BASE_URL": "http://127.0.0.1:9",
        }
        env.pop("ANTHROPIC_API_KEY", None)
        with dagster_stack(env, root / "logs") as deployment:
            yield Stack(
                url=deployment.url,
                engine=engine,
                site_url=site_url,
                jobs=deployment.jobs,
                log_dir=deployment.log_dir,
            )


def _wait(client: QueueClient, run_id: str, stack: Stack) -> JobStatus:
    deadline = time.monotonic() + RUN_TIMEOUT
    seen = set()
    while time.monotonic() < deadline:
        status = client.job_status(run_id)
        seen.add(status.status)
        if status.finished:
            return status
        time.sleep(1)
    daemon_log = (stack.log_dir / "daemon.log").read_text()[-3000:]
    raise AssertionError(f"run {run_id} still {seen} after {RUN_TIMEOUT} s\n{daemon_log}")


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[QueueClient]:
    with QueueClient(stack.url, engine=stack.engine, timeout=60) as client:
        yield client


def test_cleanup_and_usage_reset_complete_with_their_results(client: QueueClient, stack) -> None:
    cleanup_id = client.enqueue_cleanup(30, dry_run=True, priority="high")
    reset_id = client.enqueue_usage_reset("2026-03")
    cleanup = _wait(client, cleanup_id, stack)
    assert cleanup.status == JobState.COMPLETED, cleanup.error
    assert cleanup.job_name == "cleanup" and cleanup.tags["dagster/priority"] == "10"
    assert cleanup.tags["seology/trigger"] == "manual"
    assert cleanup.result["dryRun"] is True
    assert {"rollbacksCleaned", "jobsCleaned"} <= set(cleanup.result)
    assert cleanup.started_at and cleanup.ended_at and cleanup.ended_at >= cleanup.started_at
    reset = _wait(client, reset_id, stack)
    assert reset.status == JobState.COMPLETED, reset.error
    assert reset.result == {"month": "2026-03", "usersReset": 1}
    assert reset.as_dict()["success"] is True


def test_unknown_run_id(client: QueueClient) -> None:
    with pytest.raises(RunNotFoundError, match="no run with id"):
        client.job_status("00000000-0000-0000-0000-000000000000")


def test_crawl_of_the_demo_site(client: QueueClient, stack: Stack) -> None:
    assert "crawl_site" in stack.jobs, f"the pipeline's crawl_site job is missing: {stack.jobs}"
    run_id = client.enqueue_crawl("demo", "owner", max_pages=80, priority="high")
    first = client.job_status(run_id)
    assert first.site_id == "demo" and first.tags["seology/user_id"] == "owner"
    status = _wait(client, run_id, stack)
    assert status.status == JobState.COMPLETED, status.error
    assert status.result["pagesAnalyzed"] >= 45
    assert status.result["issuesFound"] > 10
    assert {"crawled_pages", "seo_issues"} <= set(status.assets)


def test_refused_crawl_fails_with_the_reason(client: QueueClient, stack: Stack) -> None:
    assert "crawl_site" in stack.jobs
    run_id = client.enqueue_crawl("unpaid", "free")
    status = _wait(client, run_id, stack)
    assert status.status == JobState.FAILED
    assert status.error and "refused" in status.error
    assert status.as_dict()["success"] is False
