"""``seology crawl``, ``status``, ``report`` and ``rules``: run work and read its results."""

from __future__ import annotations

import dataclasses
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

import click
import dagster as dg
from sqlalchemy import Engine, select

from seology_pipeline.cli.errors import CommandError
from seology_pipeline.cli.output import echo_table
from seology_pipeline.db.engine import check_connection, make_engine, session_scope
from seology_pipeline.db.models import Crawl, CrawlStatus
from seology_pipeline.defs.local import LocalRun, run_site_job
from seology_pipeline.queue import (
    QueueClient,
    QueueError,
    RunNotFoundError,
    dagster_url,
    job_state,
)
from seology_pipeline.report import ReportError, format_rows, render_html_report, report_rows
from seology_pipeline.report.urls import URL_COLUMNS, crawl_export
from seology_pipeline.settings import data_dir


def _engine() -> Engine:
    engine = make_engine()
    check_connection(engine)
    return engine


def local_instance() -> dg.DagsterInstance:
    """The Dagster instance at DAGSTER_HOME (the embedded one, created if needed)."""
    from seology_pipeline.cli.instance_cmds import init_instance

    return dg.DagsterInstance.from_config(init_instance())


def _progress_line(engine: Engine, site_id: str, since: float) -> str | None:
    with session_scope(engine) as session:
        crawl = session.scalar(
            select(Crawl)
            .where(Crawl.site_id == site_id, Crawl.status == CrawlStatus.RUNNING)
            .order_by(Crawl.id.desc())
            .limit(1)
        )
        if crawl is None or crawl.started_at.timestamp() < since - 1:
            return None
        return f"crawling: {crawl.pages_crawled} / {crawl.max_pages} pages"


def watch_progress(engine: Engine, site_id: str, done: threading.Event) -> None:
    """Show pages done / limit on a terminal until ``done`` is set."""
    if not sys.stderr.isatty():
        return
    since = time.time()
    while not done.wait(0.5):
        line = _progress_line(engine, site_id, since)
        if line:
            click.echo(f"\r{line}   ", err=True, nl=False)
    click.echo("\r" + " " * 60 + "\r", err=True, nl=False)


def crawl_in_process(site_id: str, max_pages: int | None, user_id: str | None) -> list[LocalRun]:
    """Crawl, audit and analyse ``site_id`` here; returns the crawl run and the analysis run."""
    engine = _engine()
    config = {"ops": {"crawled_pages": {"config": {"max_pages": max_pages, "user_id": user_id}}}}
    done = threading.Event()
    watcher = threading.Thread(target=watch_progress, args=(engine, site_id, done), daemon=True)
    watcher.start()
    with local_instance() as instance:
        try:
            runs = [run_site_job(instance, "crawl_site", site_id, run_config=config)]
        finally:
            done.set()
            watcher.join()
        if runs[0].success:
            runs.append(run_site_job(instance, "analyse_site", site_id))
    return runs


def _print_run(run: LocalRun) -> None:
    state = "COMPLETED" if run.success else "FAILED"
    click.echo(f"run {run.run_id}: {state}")
    for asset, values in run.metadata.items():
        fields = {
            k: v
            for k, v in values.items()
            if k
            in (
                "pagesAnalyzed",
                "issuesFound",
                "health_score",
                "issuesAnalyzed",
                "conversationId",
                "analyst",
            )
        }
        click.echo(f"  {asset}: " + ", ".join(f"{k}={v}" for k, v in fields.items()))


@click.command()
@click.argument("site_id")
@click.option("--max-pages", type=click.IntRange(1, 50_000), help="Default: the site's setting.")
@click.option("--user", "user_id", help="Requesting user; must own the site.")
@click.option(
    "--priority", type=click.Choice(["high", "normal", "low"]), default="normal", show_default=True
)
@click.option("--wait/--no-wait", default=False, help="With a webserver: wait for the run.")
def crawl(
    site_id: str, max_pages: int | None, user_id: str | None, priority: str, wait: bool
) -> None:
    """Crawl a site, audit it and analyse it.

    Through the Dagster webserver when SEOLOGY_DAGSTER_URL is set (prints the run id),
    otherwise in this process on the local instance, with live progress.
    """
    if dagster_url() is None:
        runs = crawl_in_process(site_id, max_pages, user_id)
        for run in runs:
            _print_run(run)
        if not all(run.success for run in runs):
            failed = next(run for run in runs if not run.success)
            raise CommandError(f"run {failed.run_id} failed: {failed.error}")
        return
    try:
        with QueueClient() as client:
            run_id = client.enqueue_crawl(site_id, user_id, max_pages, priority)
            click.echo(run_id)
            if wait:
                status = _wait(client, run_id, site_id)
                click.echo(json.dumps(status.as_dict(), default=str, indent=2))
                if status.status.value != "COMPLETED":
                    raise CommandError(f"run {run_id} ended {status.status.value}")
    except QueueError as exc:
        raise CommandError(str(exc)) from None


def _wait(client: QueueClient, run_id: str, site_id: str) -> Any:
    engine = client.engine
    since = time.time()
    while True:
        status = client.job_status(run_id)
        if status.finished:
            return status
        line = _progress_line(engine, site_id, since) if sys.stderr.isatty() else None
        if line:
            click.echo(f"\r{line}   ", err=True, nl=False)
        time.sleep(1)


def _local_status(run_id: str) -> dict[str, Any]:
    with local_instance() as instance:
        run = instance.get_run_by_id(run_id)
        if run is None:
            raise CommandError(f"no run {run_id!r} on the local instance")
        result: dict[str, Any] = {}
        for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
            metadata = record.asset_materialization.metadata if record.asset_materialization else {}
            result |= {k: getattr(v, "value", v) for k, v in metadata.items()}
        stats = instance.get_run_stats(run_id)
        return {
            "run_id": run_id,
            "job": run.job_name,
            "status": job_state(run.status.value).value,
            "dagster_status": run.status.value,
            "site_id": run.tags.get("dagster/partition"),
            "started_at": stats.start_time,
            "ended_at": stats.end_time,
            "result": {k: v for k, v in result.items() if isinstance(v, int | float | str)},
        }


@click.command()
@click.argument("run_id")
def status(run_id: str) -> None:
    """Show a run's status (PENDING, PROCESSING, COMPLETED, FAILED, CANCELED) and results."""
    if dagster_url() is None:
        click.echo(json.dumps(_local_status(run_id), default=str, indent=2))
        return
    try:
        with QueueClient() as client:
            click.echo(json.dumps(client.job_status(run_id).as_dict(), default=str, indent=2))
    except RunNotFoundError:
        raise CommandError(f"no run {run_id!r}") from None
    except QueueError as exc:
        raise CommandError(str(exc)) from None


@click.command()
@click.argument("site_id")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "html"]),
    default="table",
    show_default=True,
)
@click.option("--crawl", "crawl_id", type=int, help="A past crawl (default: the current one).")
@click.option(
    "--urls",
    "all_urls",
    is_flag=True,
    help="table/csv: every crawled URL (status, depth, indexability, …) instead of the issues; "
    "json always has both.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (html default: <data dir>/reports/<site>.html).",
)
def report(
    site_id: str, fmt: str, crawl_id: int | None, all_urls: bool, output: Path | None
) -> None:
    """Print or write a site's issue report (json: the crawl, every URL and the issues)."""
    engine = _engine()
    try:
        with session_scope(engine) as session:
            if fmt == "html":
                text = render_html_report(session, site_id, crawl_id)
            elif fmt == "json":
                text = json.dumps(crawl_export(session, site_id, crawl_id), indent=2, default=str)
            elif all_urls:
                rows = crawl_export(session, site_id, crawl_id)["urls"]
                text = format_rows(rows, fmt, URL_COLUMNS)
            else:
                text = format_rows(report_rows(session, site_id, crawl_id), fmt)
    except ReportError as exc:
        raise CommandError(str(exc)) from None
    if fmt == "html":
        path = output or data_dir() / "reports" / f"{site_id}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        click.echo(str(path))
    elif output:
        output.write_text(text, encoding="utf-8")
        click.echo(str(output))
    else:
        click.echo(text)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def rules(fmt: str) -> None:
    """List the audit's rules with their severity, thresholds and the standard each follows."""
    from seology_pipeline.audit.rules import catalogue

    entries = catalogue()
    if fmt == "json":
        click.echo(json.dumps([dataclasses.asdict(e) for e in entries], indent=2))
        return
    echo_table(
        [
            {
                "code": e.code,
                "severity": e.severity,
                "category": e.category,
                "title": e.title,
                "thresholds": ", ".join(f"{k}={v}" for k, v in e.thresholds.items()),
                "standard": e.standard,
            }
            for e in entries
        ]
    )
