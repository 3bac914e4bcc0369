"""What an operator sees, through real ``seology`` subprocesses: quiet runs with progress,
one-line failures that say how to fix them, and the upkeep commands."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from seology_pipeline.db.engine import make_engine, session_scope
from seology_pipeline.db.models import Notification
from seology_pipeline.names import LOCAL_CRAWL_JOB, SITES_PARTITIONS
from seology_pipeline.settings import PROJECT_ROOT
from seology_pipeline.wording import plural, without_label
from seology_pipeline_tests.cli.environment import isolated_env
from seology_pipeline_tests.databases import PG_ADMIN_URL, dagster_pg_env, temporary_pg_database
from seology_pipeline_tests.sites import Site, page, serve_site

SEOLOGY = str(Path(sys.executable).parent / "seology")
ONE_PAGE = {
    "/": page('<html lang="en"><head><title>Tiny Bakery</title></head><body>Bread.</body></html>')
}
DAGSTER_RUN_LOG = re.compile(r" - dagster - (DEBUG|INFO) - ")


@dataclass
class Shell:
    env: dict[str, str]
    data_dir: Path

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SEOLOGY, *args],
            env=self.env | env,
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )

    def ok(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        result = self.run(*args, **env)
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def fails(self, *args: str, **env: str) -> str:
        """The one error line of a failing command (exit code 2, no traceback)."""
        result = self.run(*args, **env)
        assert result.returncode == 2, result.stdout + result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("seology: error: "), result.stderr
        return lines[0]


@pytest.fixture
def shell(tmp_path: Path) -> Shell:
    return Shell(isolated_env(tmp_path), tmp_path)


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site(ONE_PAGE) as served:
        yield served


def _customer_with_site(shell: Shell, site: Site) -> None:
    shell.ok("db", "upgrade")
    shell.ok("users", "add", "ann", "--plan", "pro")
    shell.ok("sites", "add", f"{site.url}/", "--user", "ann", "--id", "tiny")


def test_a_crawl_is_quiet_with_plain_progress_lines_without_a_tty(shell: Shell, site: Site) -> None:
    _customer_with_site(shell, site)
    result = shell.ok("crawl", "tiny")
    assert not DAGSTER_RUN_LOG.search(result.stdout + result.stderr), result.stderr
    assert "Warning" not in result.stderr, result.stderr
    assert "\r" not in result.stderr  # no bar redrawn in place on a pipe
    assert "crawled 1 page in " in result.stderr.splitlines()[-1], result.stderr
    # One run crawls, audits and analyses: its line has the crawl's and the analysis's fields.
    assert re.fullmatch(
        r"run \S+: COMPLETED\n  CRAWL_SITE: pagesAnalyzed=1, issuesFound=\d+, .*analyst=offline\n",
        result.stdout,
    ), result.stdout
    with dg.DagsterInstance.from_config(str(shell.data_dir / "dagster_home")) as instance:
        assert [run.job_name for run in instance.get_runs()] == [LOCAL_CRAWL_JOB]

    engine = make_engine(f"sqlite:///{shell.data_dir / 'seology.db'}")
    with session_scope(engine) as session:
        bodies = {n.kind: n.body for n in session.scalars(select(Notification))}
    engine.dispose()
    assert bodies["crawl_completed"].startswith("1 page, "), bodies
    assert bodies["analysis_ready"].count("Rule-based analysis") == 1, bodies

    for verbose in (["crawl", "tiny", "--verbose"], ["--verbose", "crawl", "tiny"]):
        shown = shell.ok(*verbose)
        assert DAGSTER_RUN_LOG.search(shown.stderr) and "RUN_START" in shown.stderr


def test_an_invalid_crawl_is_one_line_and_launches_nothing(shell: Shell, site: Site) -> None:
    assert "seology db upgrade" in shell.fails("crawl", "tiny")  # no schema yet
    _customer_with_site(shell, site)
    assert "site 'no-such-site' does not exist" in shell.fails("crawl", "no-such-site")
    shell.ok("users", "add", "bob")
    wrong_user = shell.fails("crawl", "tiny", "--user", "bob")
    assert "does not own" in wrong_user and "--user" in wrong_user
    with dg.DagsterInstance.from_config(str(shell.data_dir / "dagster_home")) as instance:
        assert instance.get_runs() == []
        assert not instance.has_dynamic_partition(SITES_PARTITIONS, "no-such-site")

    deployment = {"SEOLOGY_DAGSTER_URL": "http://127.0.0.1:9"}
    line = shell.fails("crawl", "no-such-site", "--wait", **deployment)
    assert "site 'no-such-site' does not exist" in line
    assert json.loads(shell.ok("jobs", "list", "--format", "json").stdout) == []


def test_cleanup_and_usage_reset_run_here_or_through_the_jobs_table(shell: Shell) -> None:
    assert "seology db upgrade" in shell.fails("cleanup")
    shell.ok("db", "upgrade")
    shell.ok("users", "add", "ann", "--plan", "pro")
    cleanup = shell.ok("cleanup", "--days-old", "30", "--dry-run")
    assert re.search(r"^job \S+: COMPLETED$", cleanup.stdout, re.M), cleanup.stdout
    assert "  dry_run: true" in cleanup.stdout and "  rollbacksCleaned: 0" in cleanup.stdout
    assert not DAGSTER_RUN_LOG.search(cleanup.stderr), cleanup.stderr
    reset = shell.ok("usage-reset", "--month", "2025-01").stdout
    assert '  month: "2025-01"' in reset and "  usersReset: 1" in reset
    assert "only once the month is over" in shell.fails("usage-reset", "--month", "2999-01")
    assert "month must be YYYY-MM" in shell.fails("usage-reset", "--month", "2025-13")

    deployment = {"SEOLOGY_DAGSTER_URL": "http://127.0.0.1:9"}
    job_id = shell.ok("cleanup", "--days-old", "30", **deployment).stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{32}", job_id)
    shown = json.loads(shell.ok("jobs", "show", job_id).stdout)
    assert (shown["type"], shown["status"], shown["payload"]) == (
        "CLEANUP",
        "PENDING",
        {"daysOld": 30},
    )
    reset_id = shell.ok("usage-reset", "--month", "2025-01", **deployment).stdout.strip()
    assert json.loads(shell.ok("jobs", "show", reset_id).stdout)["payload"]["month"] == "2025-01"
    shell.fails("usage-reset", "--month", "2999-01", **deployment)
    assert len(json.loads(shell.ok("jobs", "list", "--format", "json").stdout)) == 2


def test_a_private_address_names_the_setting_and_the_url_once(shell: Shell) -> None:
    shell.ok("db", "upgrade")
    shell.ok("users", "add", "ann")
    env = {k: v for k, v in shell.env.items() if k != "SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST"}
    line = Shell(env, shell.data_dir).fails("sites", "add", "http://10.1.2.3/", "--user", "ann")
    assert line.count("http://10.1.2.3/") == 1, line
    assert "SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST=10.1.2.3" in line
    assert "SEOLOGY_CRAWL_ALLOW_PRIVATE_NETWORKS" in line
    assert "Missing option '--user'" in shell.run("sites", "add", "http://x.test/").stderr


def test_missing_databases_say_createdb(shell: Shell) -> None:
    missing = f"seology_missing_{uuid.uuid4().hex[:12]}"
    url = make_url(PG_ADMIN_URL).set(database=missing).render_as_string(hide_password=False)
    line = shell.fails("sites", "list", SEOLOGY_DATABASE_URL=url)
    assert f"createdb {missing}" in line

    shell.ok("db", "upgrade")
    home = shell.data_dir / "production_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    production = dagster_pg_env(url) | {"DAGSTER_HOME": str(home)}
    line = shell.fails("status", str(uuid.uuid4()), **production)
    assert "createdb -h " in line and line.endswith(f"{missing}` (DAGSTER_PG_DB)")
    without_host = {k: v for k, v in shell.env.items()} | production
    without_host.pop("DAGSTER_PG_HOST")
    line = Shell(without_host, shell.data_dir).fails("status", str(uuid.uuid4()))
    assert "DAGSTER_PG_HOST" in line and "not set" in line


def test_an_unset_dagster_pg_password_is_empty(shell: Shell) -> None:
    shell.ok("db", "upgrade")
    home = shell.data_dir / "production_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    with temporary_pg_database("seology_dagster") as url:
        env = {**shell.env, **dagster_pg_env(url), "DAGSTER_HOME": str(home)}
        env.pop("DAGSTER_PG_PASSWORD")
        run_id = str(uuid.uuid4())
        line = Shell(env, shell.data_dir).fails("status", run_id)
        assert line == f"seology: error: no run or job {run_id!r}"


def test_wording() -> None:
    assert [plural(n, "page") for n in (0, 1, 2)] == ["0 pages", "1 page", "2 pages"]
    assert plural(1, "analysis", "analyses") == "1 analysis"
    assert plural(3, "analysis", "analyses") == "3 analyses"
    assert without_label("Label: 3 issues", "Label") == "3 issues"
    assert without_label("Other: 3 issues", "Label") == "Other: 3 issues"
