"""Monthly Claude cost per user: the query and ``seology usage`` through a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from seology_pipeline.analysis.costs import month_bounds, monthly_costs
from seology_pipeline.db.engine import session_factory, session_scope
from seology_pipeline.db.models import Conversation
from seology_pipeline_tests.analysis.conftest import BASIC_ISSUES, NOW, seed_site

SEOLOGY = str(Path(sys.executable).parent / "seology")


def _conversation(site_id: str, user_id: str, cost: float, batched: bool, **extra) -> Conversation:
    values = {
        "site_id": site_id,
        "user_id": user_id,
        "created_at": NOW,
        "analyst": "claude",
        "model": "claude-sonnet-5-5",
        "prompt_version": "v",
        "input_hash": "h",
        "input_tokens": 1000,
        "output_tokens": 200,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 3000,
        "estimated_cost_usd": cost,
        "batched": batched,
    }
    return Conversation(**(values | extra))


def _seed(engine: Engine) -> None:
    with session_factory(engine)() as session:  # seed_site commits
        seed_site(session, BASIC_ISSUES, site_id="site-a", user_id="alice")
        seed_site(session, BASIC_ISSUES, site_id="site-b", user_id="bob")
        session.add_all(
            [
                _conversation("site-a", "alice", 0.01, batched=False),
                _conversation("site-a", "alice", 0.005, batched=True),
                _conversation("site-b", "bob", 0.02, batched=False),
                _conversation("site-b", "bob", 0.0, batched=False, analyst="offline", model=None),
                # Another month: not counted.
                _conversation("site-a", "alice", 9.0, False, created_at=NOW - timedelta(days=40)),
            ]
        )
        session.commit()


def test_monthly_costs_sum_each_users_analyses(any_engine: Engine) -> None:
    _seed(any_engine)
    with session_scope(any_engine) as session:
        rows = monthly_costs(session, "2026-11")
        only_alice = monthly_costs(session, "2026-11", "alice")
    assert [(r.user_id, r.analyses, r.batched, r.cost_usd) for r in rows] == [
        ("bob", 2, 0, 0.02),
        ("alice", 2, 1, 0.015),
    ]
    assert rows[1].cache_read_tokens == 6000 and rows[1].input_tokens == 2000
    assert [r.user_id for r in only_alice] == ["alice"]
    start, end = month_bounds("2026-12")
    assert (start.month, end.year, end.month) == (12, 2027, 1)


def test_seology_usage_prints_the_bill_by_customer(engine: Engine) -> None:
    _seed(engine)
    env = os.environ | {"SEOLOGY_DATABASE_URL": engine.url.render_as_string(hide_password=False)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SEOLOGY, "usage", *args], env=env, capture_output=True, text=True, timeout=120
        )

    table = run("--month", "2026-11")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "user", "analyses", "batched", "input", "output", "cache_write", "cache_read", "usd"
    ]  # fmt: skip
    assert lines[1].split()[0] == "bob" and lines[1].split()[-1] == "0.0200"
    assert lines[-1] == "total 2026-11: $0.0350"

    as_json = run("--month", "2026-11", "--user", "alice", "--json")
    [alice] = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert alice["cost_usd"] == 0.015 and alice["batched"] == 1

    bad = run("--month", "November")
    assert bad.returncode == 2 and "month must be YYYY-MM" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert run("--month", "2026-10").stdout.splitlines()[-1] == "total 2026-10: $9.0000"
    assert run("--month", "2026-09").stdout.strip() == "no analyses in 2026-09"
