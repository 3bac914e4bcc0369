"""``seology history``: a site's trend from its audited crawls, as table, JSON and CSV."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from seology_pipeline.db.engine import make_engine, session_scope
from seology_pipeline.db.migrate import upgrade
from seology_pipeline.db.models import Crawl, CrawlStatus
from seology_pipeline_tests.factories import add_customer

SEOLOGY = str(Path(sys.executable).parent / "seology")


def _seology(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SEOLOGY_DATA_DIR": str(data_dir)}
    env.pop("SEOLOGY_DATABASE_URL", None)
    return subprocess.run([SEOLOGY, *args], env=env, capture_output=True, text=True, timeout=120)


def test_history_lists_audited_crawls_oldest_first(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'seology.db'}")
    upgrade(engine)
    add_customer(engine, "https://cafe.example/", site_id="cafe")
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with session_scope(engine) as session:
        for week, (health, critical, status) in enumerate(
            [(40.0, 3, CrawlStatus.COMPLETED), (None, 0, CrawlStatus.FAILED), (72.5, 1, None)]
        ):
            session.add(
                Crawl(
                    site_id="cafe",
                    status=status or CrawlStatus.COMPLETED,
                    is_current=status is None,
                    started_at=start + timedelta(weeks=week),
                    finished_at=start + timedelta(weeks=week, minutes=5),
                    max_pages=50,
                    pages_crawled=10 + week,
                    issues_found=critical + 4,
                    health_score=health,
                    summary={
                        "by_severity": {"critical": critical, "low": 4},
                        "diff": {"new": critical, "resolved": week},
                    },
                )
            )
    engine.dispose()

    rows = json.loads(_seology(tmp_path, "history", "cafe", "--format", "json").stdout)
    assert [(r["health"], r["critical"], r["pages"], r["resolved"]) for r in rows] == [
        (40, 3, 10, 0),
        (72, 1, 12, 2),
    ]
    assert rows[0]["finished"] == "2026-11-01 00:05"

    csv_lines = _seology(tmp_path, "history", "cafe", "--format", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("crawl,finished,pages,health,issues,critical,high")
    assert len(csv_lines) == 3
    table = _seology(tmp_path, "history", "cafe", "--limit", "1").stdout.splitlines()
    assert len(table) == 2 and table[1].split()[4] == "72"  # header + the latest crawl only

    unknown = _seology(tmp_path, "history", "nope")
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "seology: error: no site 'nope'"
