"""The ``seology`` command through real subprocesses: success paths, failures, exit codes."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import dagster as dg
import httpx
import psutil
import pytest
from sqlalchemy import select

from seology_pipeline.db.engine import make_engine, session_scope
from seology_pipeline.db.models import Conversation, Crawl, CrawlStatus, utcnow
from seology_pipeline.defs.reaper import fail_abandoned_run
from seology_pipeline.runs.reaper import last_heartbeat
from seology_pipeline_tests.cli.environment import isolated_env
from seology_pipeline_tests.dagster_processes import free_port
from seology_pipeline_tests.sites import Site, page, serve_site
from seology_pipeline_tests.slow_site import serve_slow_site

SEOLOGY = str(Path(sys.executable).parent / "seology")
SITE = {
    "/": page(
        '<html lang="en"><head><title>Harbour Cafe: coffee by the sea</title></head><body>'
        '<h1>Harbour Cafe</h1><a href="/menu">Menu</a> <a href="/missing">Old</a></body></html>'
    ),
    "/menu": page("<html><head><title>Menu</title></head><body>Coffee.</body></html>"),
}


@dataclass
class Shell:
    env: dict[str, str]
    data_dir: Path

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SEOLOGY, *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


@pytest.fixture
def shell(tmp_path: Path) -> Shell:
    return Shell(isolated_env(tmp_path), tmp_path)


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site(SITE) as served:
        yield served


def _fails(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_help_everywhere(shell: Shell) -> None:
    for command in ([], ["db"], ["users", "add"], ["sites", "add"], ["crawl"], ["report"]):
        assert "Usage: seology" in shell.ok(*command, "--help")


def test_operator_workflow_from_user_to_report(shell: Shell, site: Site) -> None:
    assert "at revision" in shell.ok("db", "upgrade")
    assert "user ann added (pro, active)" in shell.ok("users", "add", "ann", "--plan", "pro")
    site_id = shell.ok(
        "sites", "add", f"{site.url}/", "--user", "ann", "--id", "cafe", "--max-pages", "20"
    ).strip()
    assert site_id == "cafe"
    listing = shell.ok("sites", "list")
    assert "cafe" in listing and f"{site.url}/" in listing and "manual" in listing

    crawl = shell.run("crawl", "cafe", "--user", "ann")
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr
    assert "pagesAnalyzed=3" in crawl.stdout and "analyst=offline" in crawl.stdout
    run_id = crawl.stdout.split()[1].rstrip(":")

    status = json.loads(shell.ok("status", run_id))
    assert status["status"] == "COMPLETED" and status["site_id"] == "cafe"
    assert status["result"]["pagesAnalyzed"] == 3

    export = json.loads(shell.ok("report", "cafe", "--format", "json"))
    assert any(row["rule"] == "broken_internal_link" for row in export["issues"])
    urls = {row["url"].removeprefix(site.url): row for row in export["urls"]}
    assert len(urls) == 3 and export["crawl"]["pages_crawled"] == 3
    assert all(row["status"] is not None and "indexability" in row for row in urls.values())
    assert export["crawl"]["stopped_reason"] is None and export["crawl"]["urls_left"] == {}
    csv_text = shell.ok("report", "cafe", "--format", "csv")
    assert csv_text.splitlines()[0].startswith("id,severity,category,rule,url")
    url_csv = shell.ok("report", "cafe", "--format", "csv", "--urls").strip().splitlines()
    assert url_csv[0].startswith("url,status,depth,indexability,canonical,in_sitemap,rendered")
    assert len(url_csv) == 1 + 3
    html_path = Path(shell.ok("report", "cafe", "--format", "html").strip())
    assert html_path.is_file() and f"{site.url}/" in html_path.read_text()

    engine = make_engine(f"sqlite:///{shell.data_dir / 'seology.db'}")
    with session_scope(engine) as session:
        crawl_row = session.scalars(select(Crawl)).one()
        assert crawl_row.run_id == run_id and crawl_row.pages_crawled == 3
        assert session.scalars(select(Conversation)).one().analyst == "offline"
    engine.dispose()


def test_rules_lists_the_catalogue(shell: Shell) -> None:
    table = shell.ok("rules")
    assert "broken_internal_link" in table and "critical" in table
    entries = json.loads(shell.ok("rules", "--format", "json"))
    assert len(entries) >= 45 and {"code", "severity", "thresholds"} <= set(entries[0])
    csv_lines = shell.ok("rules", "--format", "csv").splitlines()
    assert {"code", "severity", "thresholds"} <= set(csv_lines[0].split(","))
    assert len(csv_lines) == len(entries) + 1
    assert any(line.startswith("broken_internal_link,") for line in csv_lines)


GC_PROBE = """
import atexit, gc, sys
from seology_pipeline.cli import main
module, sys.argv = sys.argv[1], ["seology", *sys.argv[2:]]
freezes = []  # at each gc.freeze(): was the collector on, was the command's module loaded
real_freeze = gc.freeze
gc.freeze = lambda: (freezes.append((gc.isenabled(), module in sys.modules)), real_freeze())
atexit.register(lambda: print("gc", gc.get_threshold()[0], gc.isenabled(), freezes))
main()
"""


def test_the_console_script_collects_garbage_rarely_and_not_at_exit(shell: Shell) -> None:
    """``main`` pauses the collector while the command loads, freezes what loaded, resumes with a
    higher threshold, and freezes what is left at exit (and still exits with the command's
    code)."""
    cases = (
        (["rules", "--format", "csv"], "seology_pipeline.cli.rules_cmd", 0),
        (["report", "nowhere"], "seology_pipeline.cli.report_cmd", 2),
    )
    for args, module, code in cases:
        probe = subprocess.run(
            [sys.executable, "-c", GC_PROBE, module, *args],
            env=shell.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert probe.returncode == code, probe.stderr
        # first freeze: paused, command loaded; then it ran with the collector on; last: at exit
        assert probe.stdout.splitlines()[-1] == "gc 100000 True [(False, True), (True, True)]"


def test_failures_are_one_clear_line(shell: Shell, site: Site) -> None:
    shell.ok("db", "upgrade")
    _fails(shell.run("sites", "add", f"{site.url}/", "--user", "nobody"), "does not exist")
    shell.ok("users", "add", "bob")
    _fails(shell.run("users", "add", "bob"), "already exists")
    _fails(shell.run("users", "add", "eve", "--plan", "platinum"), "unknown plan")
    _fails(shell.run("sites", "add", "not a url", "--user", "bob"), "root_url")
    _fails(shell.run("crawl", "no-such-site"), "does not exist")
    _fails(shell.run("report", "no-such-site"), "does not exist")
    _fails(shell.run("status", "00000000-0000-0000-0000-000000000000"), "no run")
    assert shell.run("crawl", "x", "--max-pages", "0").returncode == 2  # click's own check

    bad_db = {**shell.env, "SEOLOGY_DATABASE_URL": "postgresql://u@127.0.0.1:9/x"}
    result = subprocess.run(
        [SEOLOGY, "db", "upgrade"], env=bad_db, capture_output=True, text=True, timeout=60
    )
    _fails(result, "cannot reach the database", "SEOLOGY_DATABASE_URL")


def test_a_killed_crawl_is_refused_until_its_run_is_found_dead_then_failed(
    shell: Shell,
) -> None:
    """``kill -9`` leaves its Dagster run started and its crawl running: the next crawl says so
    and waits; once nothing happened for the stale bound, the run is failed and the site free."""
    shell.ok("db", "upgrade")
    shell.ok("users", "add", "bob")
    with serve_slow_site() as site:
        shell.ok("sites", "add", f"{site.url}/", "--user", "bob", "--id", "slow")
        site.slow.set()
        child = subprocess.Popen([SEOLOGY, "crawl", "slow"], env=shell.env)
        engine = make_engine(f"sqlite:///{shell.data_dir / 'seology.db'}")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not site.page_requests:
            time.sleep(0.2)
        assert site.page_requests, "the crawl never reached the slow pages"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)

        _fails(shell.run("crawl", "slow"), "wait for it to end", "SEOLOGY_CRAWL_STALE_AFTER_S")
        with dg.DagsterInstance.from_config(str(shell.data_dir / "dagster_home")) as instance:
            [run] = instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
            with session_scope(engine) as session:
                beat = last_heartbeat(session, run.run_id)
            assert beat is not None
            stale = timedelta(minutes=10)
            assert not fail_abandoned_run(instance, run, beat, now=utcnow(), stale_after=stale)
            later = utcnow() + stale + timedelta(seconds=1)
            assert fail_abandoned_run(instance, run, beat, now=later, stale_after=stale)
            failed = instance.get_run_by_id(run.run_id)
            assert failed is not None and failed.status == dg.DagsterRunStatus.FAILURE

        status = json.loads(shell.ok("status", run.run_id))  # failed for good, not retried
        assert status["status"] == "FAILED" and "no activity for 0:10:00" in status["error"]

        site.slow.clear()
        shell.ok("crawl", "slow")
        with session_scope(engine) as session:
            crawls = session.execute(select(Crawl.status, Crawl.error).order_by(Crawl.id)).all()
        engine.dispose()
        reaped = f"reaped: its run {run.run_id} is no longer running"
        assert crawls[0] == (CrawlStatus.FAILED, reaped)
        assert crawls[1][0] == CrawlStatus.COMPLETED


def test_the_network_guard_refuses_internal_sites(shell: Shell) -> None:
    shell.ok("db", "upgrade")
    shell.ok("users", "add", "mallory")
    env = {**shell.env}
    env.pop("SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST")
    result = subprocess.run(
        [SEOLOGY, "sites", "add", "http://169.254.169.254/latest/", "--user", "mallory"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    _fails(result, "refusing")


def test_demo_runs_end_to_end(shell: Shell) -> None:
    result = shell.run("demo", "--port", "0", timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "pages crawled, health score" in out and "analysis (offline)" in out
    assert "critical" in out and "http_5xx" in out
    report = Path(out.split("HTML report: ")[1].splitlines()[0])
    assert report.is_file() and report.stat().st_size > 10_000
    assert "seology dev" in out and "http://127.0.0.1:3000" in out


def test_jobs_enqueue_list_show_cancel(shell: Shell) -> None:
    shell.ok("db", "upgrade")
    job_id = shell.ok("jobs", "enqueue", "CLEANUP", "--payload", '{"daysOld": 30}').strip()
    assert len(job_id) == 32
    assert job_id in shell.ok("jobs", "list", "--status", "PENDING")
    shown = json.loads(shell.ok("jobs", "show", job_id))
    assert shown == json.loads(shell.ok("status", job_id))
    assert (shown["type"], shown["status"], shown["payload"]) == (
        "CLEANUP",
        "PENDING",
        {"daysOld": 30},
    )
    assert shell.ok("jobs", "cancel", job_id).strip() == f"job {job_id}: CANCELED"
    _fails(shell.run("jobs", "cancel", job_id), "already ended CANCELED")
    _fails(
        shell.run("jobs", "enqueue", "CLEANUP", "--payload", '{"daysOld": -5}'),
        "daysOld must be between 1 and 3650, got -5",
    )
    _fails(shell.run("jobs", "enqueue", "CLEANUP", "--payload", "{"), "not valid JSON")
    listed = json.loads(shell.ok("jobs", "list", "--format", "json"))
    assert [row["id"] for row in listed] == [job_id] and listed[0]["status"] == "CANCELED"


def test_seology_dev_stops_its_webserver_and_daemon_on_sigterm(shell: Shell) -> None:
    """``kill`` (SIGTERM, as a service manager stops a service) stops all of ``seology dev``:
    its webserver, daemon and code servers do not outlive it, holding the port. Started as a
    shell starts a background command (``seology dev &``: SIGINT ignored), which Dagster's
    SIGTERM handling follows."""
    port = free_port()
    dev = subprocess.Popen(
        ["sh", "-c", f"trap '' INT; exec {SEOLOGY} dev --port {port} --log-level warning"],
        env=shell.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 180
        while True:
            assert dev.poll() is None and time.monotonic() < deadline, "the UI did not come up"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/server_info", timeout=2).is_success:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        children = psutil.Process(dev.pid).children(recursive=True)
        assert len(children) >= 2  # at least the webserver and the daemon
        dev.send_signal(signal.SIGTERM)
        dev.wait(timeout=60)
        _, alive = psutil.wait_procs(children, timeout=60)
        assert alive == []
    finally:
        for process in [*children, psutil.Process(dev.pid)] if dev.poll() is None else children:
            with contextlib.suppress(psutil.Error):
                process.kill()
