"""Each job type's processor, run directly as docs/debugging.md shows: same result fields as the
pipeline's runs, refusals as exceptions."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from seology_pipeline.accounts import month_key
from seology_pipeline.db.engine import make_engine, session_scope
from seology_pipeline.db.migrate import upgrade
from seology_pipeline.db.models import Conversation, Crawl, CrawlStatus
from seology_pipeline.maintenance.usage import OpenMonthError
from seology_pipeline.processors import (
    run_analysis_job,
    run_cleanup_job,
    run_crawl_job,
    run_usage_reset_job,
)
from seology_pipeline_tests.docs.blocks import doc_block
from seology_pipeline_tests.factories import BOOKSHOP, add_customer
from seology_pipeline_tests.sites import serve_site


@pytest.fixture
def local_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'seology.db'}"
    monkeypatch.setenv("SEOLOGY_DATABASE_URL", url)
    monkeypatch.setenv("SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST", "127.0.0.1")
    monkeypatch.setenv("SEOLOGY_CRAWL_RENDER_MODE", "never")
    monkeypatch.setenv("SEOLOGY_ANALYSIS_MODE", "offline")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def test_processors_do_what_the_runs_do(local_env: str) -> None:
    engine = make_engine(local_env)
    with serve_site(BOOKSHOP) as site:
        add_customer(engine, f"{site.url}/", site_id="shop", user_id="ann")
        crawl = run_crawl_job(site_id="shop", user_id="ann", max_pages=10, engine=engine)
    assert crawl["success"] and crawl["pagesAnalyzed"] == 4 and crawl["issuesFound"] > 0
    analysis = run_analysis_job(site_id="shop", user_id="ann", engine=engine)
    assert analysis["success"] and analysis["analyst"] == "offline"
    assert analysis["issuesAnalyzed"] == crawl["issuesFound"]
    with session_scope(engine) as session:
        stored = session.scalars(select(Crawl)).one()
        assert stored.status == CrawlStatus.COMPLETED and stored.is_current
        assert session.get(Conversation, analysis["conversationId"]).crawl_id == stored.id

    with pytest.raises(PermissionError, match="does not own"):
        run_analysis_job(site_id="shop", user_id="bob", engine=engine)
    cleanup = run_cleanup_job(days_old=30, dry_run=True, engine=engine)
    assert cleanup["success"] and cleanup["dryRun"] is True and "rollbacksCleaned" in cleanup
    assert run_usage_reset_job("2026-01", engine=engine)["usersReset"] == 1
    with pytest.raises(OpenMonthError):
        run_usage_reset_job(month_key(), engine=engine)
    engine.dispose()


def test_the_debugging_guide_runs_each_processor(local_env: str) -> None:
    engine = make_engine(local_env)
    with serve_site(BOOKSHOP) as site:
        add_customer(engine, f"{site.url}/", site_id="demo-bakery", user_id="demo-user")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(doc_block("debugging-processors").text, {})
    lines = printed.getvalue().splitlines()
    assert len(lines) == 4 and all("'success': True" in line for line in lines), lines
    assert "'pagesAnalyzed': 4" in lines[0]
    engine.dispose()
