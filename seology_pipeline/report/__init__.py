"""Crawl reports: the self-contained HTML report and issue rows for the command line."""

from seology_pipeline.report.data import ReportError, load_report, report_rows
from seology_pipeline.report.formats import format_rows
from seology_pipeline.report.html import render_html_report, render_report

__all__ = [
    "ReportError",
    "format_rows",
    "load_report",
    "render_html_report",
    "render_report",
    "report_rows",
]
