"""``seology crawl`` as a user runs it: bad input is one line and registers nothing; a crawl of a
site another crawl holds is refused in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import select

from seology_pipeline.crawl.records import SiteFacts
from seology_pipeline.db.engine import make_engine, session_scope
from seology_pipeline.db.models import AuditLog, Crawl, CrawlStatus, SiteConnection, utcnow
from seology_pipeline.names import SITES_PARTITIONS
from seology_pipeline.runs.crawl_run import SnapshotWriter, plan_crawl
from seology_pipeline_tests.databases import migrated_engine, sqlite_url
from seology_pipeline_tests.factories import add_customer

SEOLOGY = str(Path(sys.executable).parent / "seology")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    values = {
        **os.environ,
        "SEOLOGY_DATA_DIR": str(tmp_path),
        "SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST": "127.0.0.1",
    }
    for name in ("SEOLOGY_DATABASE_URL", "DAGSTER_HOME", "SEOLOGY_DAGSTER_URL"):
        values.pop(name, None)
    return values


def seology(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SEOLOGY, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def refused_in_one_line(result: subprocess.CompletedProcess[str], fragment: str) -> str:
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert len(lines[0]) < 400
    return lines[0]


def partitions(data_dir: Path) -> list[str]:
    with dg.DagsterInstance.from_config(str(data_dir / "dagster_home")) as instance:
        return list(instance.get_dynamic_partitions(SITES_PARTITIONS))


def setup_site(data_dir: Path) -> None:
    """The app database with ann's active site ``cafe`` and deactivated site ``shut``."""
    with migrated_engine(sqlite_url(data_dir, "seology.db")) as engine:
        add_customer(engine, "http://127.0.0.1:9/cafe/", user_id="ann", site_id="cafe")
        add_customer(
            engine, "http://127.0.0.1:9/shut/", user_id="ann", site_id="shut", with_user=False
        )
        with session_scope(engine) as session:
            session.get_one(SiteConnection, "shut").is_active = False


def test_bad_site_ids_are_refused_in_one_line_before_any_partition(
    env: dict[str, str], tmp_path: Path
) -> None:
    setup_site(tmp_path)
    cases = {
        "shut": "is deactivated",
        "x" * 100_000: "site id must be 1 to 64 characters",
        "cafe'; DROP TABLE crawls; --": "does not exist",
        "no-such-site": "does not exist",
    }
    for site_id, message in cases.items():
        refused_in_one_line(seology(env, "crawl", site_id), message)
    refused_in_one_line(seology(env, "crawl", "cafe", "--user", "bob"), "does not own site")
    bad_bound = seology(env, "crawl", "cafe", "--max-pages", "50001")
    assert bad_bound.returncode == 2 and "'--max-pages'" in bad_bound.stderr  # click's usage error
    assert partitions(tmp_path) == []
    engine = make_engine(sqlite_url(tmp_path, "seology.db"))
    with session_scope(engine) as session:
        assert session.scalars(select(Crawl)).all() == []
    engine.dispose()


def test_a_cli_crawl_of_a_site_being_crawled_is_refused_in_one_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    setup_site(tmp_path)
    engine = make_engine(sqlite_url(tmp_path, "seology.db"))
    try:
        with session_scope(engine) as session:
            plan = plan_crawl(session, "cafe", max_pages=5, user_id=None, month="2026-12")
        holder = SnapshotWriter(engine, plan, run_id="web-app-run")
        holder.start(utcnow())  # another crawl of the site is under way

        result = seology(env, "crawl", "cafe")  # the run's own log goes to stderr first
        assert result.returncode != 0
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith("seology: error: run ") and "already being crawled" in last
        assert "web-app-run" in last

        holder.complete(SiteFacts(root_url=plan.root_url), month="2026-12", now=utcnow())
        with session_scope(engine) as session:
            crawls = session.scalars(select(Crawl)).all()
            assert [(c.run_id, c.status) for c in crawls] == [
                ("web-app-run", CrawlStatus.COMPLETED)
            ]
            refusal = session.scalars(
                select(AuditLog).where(AuditLog.action == "crawl.refused")
            ).one()
            assert "already being crawled" in refusal.details["reason"]
    finally:
        engine.dispose()
