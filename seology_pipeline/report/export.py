"""A site's HTML report written to the reports folder: the ``EXPORT_REPORT`` job's work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from seology_pipeline.files import write_private_text
from seology_pipeline.report.html import render_html_report


def export_report(session: Session, site_id: str, folder: Path) -> dict[str, Any]:
    """Write the report of the site's current crawl to ``folder/<site_id>.html`` (owner-only);
    returns the job's result fields. Raises ``ReportError`` for a site without an audited crawl."""
    html = render_html_report(session, site_id)
    path = write_private_text(folder / f"{site_id}.html", html)
    return {"success": True, "report_path": str(path), "report_bytes": len(html.encode())}
