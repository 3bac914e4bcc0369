"""``seology report``: a site's issue report as a table, CSV, JSON or an HTML page."""

from __future__ import annotations

import json
from pathlib import Path

import click

from seology_pipeline.cli.errors import CommandError
from seology_pipeline.db.engine import connected_engine, session_scope
from seology_pipeline.files import write_private_text
from seology_pipeline.report import ReportError, format_rows, render_html_report, report_rows
from seology_pipeline.report.urls import URL_COLUMNS, crawl_export
from seology_pipeline.settings import data_dir


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
    engine = connected_engine()
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
        write_private_text(path, text)
        click.echo(str(path))
    elif output:
        output.write_text(text, encoding="utf-8")
        click.echo(str(output))
    else:
        click.echo(text)
