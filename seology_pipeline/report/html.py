"""The crawl report as one self-contained HTML file: inline CSS, JS and SVG, no network.

Everything that comes from a crawled site or from the analysis is escaped by Jinja2's autoescape;
links are only made for http(s) URLs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session

from seology_pipeline.report.data import SEVERITIES, ReportData, load_report
from seology_pipeline.report.history import site_history
from seology_pipeline.report.urls import page_list

MAX_TABLE_ROWS = 5000
MAX_DIFF_ROWS = 50
SEVERITY_COLOURS = {
    "critical": "#b3261e",
    "high": "#e8710a",
    "medium": "#f2b705",
    "low": "#5b8def",
}
CATEGORY_COLOUR = "#6b5b95"
GAUGE_RADIUS = 52
TREND_WIDTH = 600
TREND_HEIGHT = 120


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    colour: str
    width: float  # percent of the chart's bar area


def bars(counts: dict[str, int], colours: dict[str, str] | None = None) -> list[Bar]:
    """Bars scaled to the largest count (an all-zero chart keeps empty bars)."""
    top = max(counts.values(), default=0) or 1
    return [
        Bar(label, value, (colours or {}).get(label, CATEGORY_COLOUR), 100 * value / top)
        for label, value in counts.items()
    ]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    x: float
    y: float
    row: dict


def trend_points(history: list[dict]) -> list[TrendPoint]:
    """The health score of each audited crawl (oldest first) on a 0–100 axis, bottom to top."""
    if len(history) < 2:
        return []
    step = TREND_WIDTH / (len(history) - 1)
    return [
        TrendPoint(round(index * step, 1), round(TREND_HEIGHT * (1 - row["health"] / 100), 1), row)
        for index, row in enumerate(history)
    ]


def health_band(score: float | None) -> str:
    if score is None:
        return "unknown"
    return "good" if score >= 80 else "fair" if score >= 50 else "poor"


def is_web_url(value: object) -> bool:
    """Whether ``value`` may become a link: an http(s) URL (never ``javascript:`` and the like)."""
    return isinstance(value, str) and urlsplit(value.strip()).scheme in ("http", "https")


def status_label(status: int | None) -> str:
    """A page's status as the page list shows and filters it."""
    return "no response" if status is None else str(status)


def _duration(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return "—"
    seconds = max(0, round((end - start).total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("seology_pipeline.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.tests["web_url"] = is_web_url
    env.filters["status_label"] = status_label
    env.filters["when"] = lambda value: value.strftime("%Y-%m-%d %H:%M UTC") if value else "—"
    return env


ENVIRONMENT = _environment()


def render_report(
    data: ReportData,
    generated_at: datetime | None = None,
    pages: list[dict] | None = None,
    history: list[dict] | None = None,
) -> str:
    """The HTML of a loaded report; ``pages`` (rows of :func:`page_list`) make its page list,
    ``history`` (rows of :func:`site_history`, oldest first) its trend."""
    pages = pages or []
    history = history or []
    score = data.health_score
    previous = data.previous_health_score
    circumference = 2 * math.pi * GAUGE_RADIUS
    return ENVIRONMENT.get_template("report.html.j2").render(
        data=data,
        site=data.site,
        crawl=data.crawl,
        previous=data.previous,
        analysis=data.analysis,
        diff=data.diff,
        score=score,
        score_text="—" if score is None else f"{score:.0f}",
        score_delta=None if score is None or previous is None else round(score - previous),
        band=health_band(score),
        gauge_radius=GAUGE_RADIUS,
        gauge_length=circumference,
        gauge_filled=circumference * (score or 0) / 100,
        severity_bars=bars(data.by_severity, SEVERITY_COLOURS),
        category_bars=bars(data.by_category),
        severities=SEVERITIES,
        severity_colours=SEVERITY_COLOURS,
        rows=data.rows[:MAX_TABLE_ROWS],
        total_rows=len(data.rows),
        new_rows=[r for r in data.rows if r["change"] in ("new", "regressed")][:MAX_DIFF_ROWS],
        resolved_rows=[r for r in data.rows if r["change"] == "resolved"][:MAX_DIFF_ROWS],
        duration=_duration(data.crawl.started_at, data.crawl.finished_at),
        generated_at=generated_at or datetime.now(UTC),
        pages=pages[:MAX_TABLE_ROWS],
        total_pages=len(pages),
        page_statuses=sorted({status_label(p["status"]) for p in pages}),
        page_indexability=sorted({p["indexability"] for p in pages}),
        export_name=f"{data.site.id}-crawl-{data.crawl.id}-pages",
        history=history,
        trend=trend_points(history),
        trend_width=TREND_WIDTH,
        trend_height=TREND_HEIGHT,
    )


def render_html_report(session: Session, site_id: str, crawl_id: int | None = None) -> str:
    """One self-contained HTML report of a crawl (default: the site's current crawl).

    Raises :class:`~seology_pipeline.report.data.ReportError` for an unknown site or crawl.
    """
    data = load_report(session, site_id, crawl_id)
    history = [row for row in site_history(session, site_id) if row["crawl"] <= data.crawl.id]
    return render_report(data, pages=page_list(session, data), history=history)
