"""Live crawl progress for the CLI: a tqdm bar with rate and ETA on a terminal, plain lines
(at most one every ``PLAIN_EVERY_S`` seconds, and the last count) when stderr is not a TTY.

Progress is read from the app database (the crawl's page counter), so it is the same for a crawl
in this process and for one run by the deployment (``seology crawl --wait``).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import click
from sqlalchemy import Engine, select
from tqdm import tqdm

from seology_pipeline.db.engine import session_scope
from seology_pipeline.db.models import Crawl, CrawlStatus
from seology_pipeline.wording import plural

POLL_S = 0.5
PLAIN_EVERY_S = 2.0


@dataclass(frozen=True, slots=True)
class CrawlCount:
    crawl_id: int
    done: int
    limit: int
    started: float
    finished: float | None = None
    completed: bool = False


def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=UTC).timestamp()  # stored naive, in UTC


def site_crawl(
    engine: Engine, site_id: str, since: float, *, running: bool = True
) -> CrawlCount | None:
    """Pages done and page limit of the site's newest crawl started since ``since`` (epoch s),
    only while it runs unless ``running`` is False."""
    query = select(Crawl).where(Crawl.site_id == site_id).order_by(Crawl.id.desc()).limit(1)
    if running:
        query = query.where(Crawl.status == CrawlStatus.RUNNING)
    with session_scope(engine) as session:
        crawl = session.scalar(query)
        if crawl is None or _epoch(crawl.started_at) < since - 1:
            return None
        return CrawlCount(
            crawl.id,
            crawl.pages_crawled,
            crawl.max_pages,
            _epoch(crawl.started_at),
            _epoch(crawl.finished_at) if crawl.finished_at else None,
            crawl.status == CrawlStatus.COMPLETED,
        )


def plain_line(count: CrawlCount) -> str:
    """``crawling: 30 / 100 pages, 12.0 pages/s, ETA at most 6 s`` for logs and pipes."""
    elapsed = time.time() - count.started
    rate = count.done / elapsed if elapsed > 0 else 0.0
    line = f"crawling: {count.done} / {count.limit} pages, {rate:.1f} pages/s"
    if rate > 0 and count.done < count.limit:
        line += f", ETA at most {(count.limit - count.done) / rate:.0f} s"
    return line


def _watch(engine: Engine, site_id: str, stop: threading.Event, tty: bool) -> None:
    since = time.time()
    bar: tqdm | None = None
    last: CrawlCount | None = None
    printed_at = 0.0
    while not stop.wait(POLL_S):
        count = site_crawl(engine, site_id, since)
        if count is None and last is not None:
            break  # the crawl ended; the run goes on (the analysis)
        if count is None or count == last:
            continue
        last = count
        if tty:
            if bar is None:
                bar = tqdm(total=count.limit, unit="page", desc="crawling", file=sys.stderr)
            bar.update(count.done - bar.n)
        elif time.monotonic() - printed_at >= PLAIN_EVERY_S:
            printed_at = time.monotonic()
            click.echo(plain_line(count), err=True)
    final = site_crawl(engine, site_id, since, running=False)
    if final is None or not final.completed:  # refused or failed: the error line says why
        if bar is not None:
            bar.close()
        return
    if tty:
        bar = bar or tqdm(total=final.limit, unit="page", desc="crawling", file=sys.stderr)
        bar.total = final.done  # a crawl may end below its page limit: the bar ends full
        bar.update(final.done - bar.n)
        bar.close()
    else:
        elapsed = (final.finished or time.time()) - final.started
        click.echo(f"crawled {plural(final.done, 'page')} in {elapsed:.1f} s", err=True)


@contextmanager
def crawl_progress(engine: Engine, site_id: str) -> Iterator[None]:
    """Show the site's crawl progress on stderr while the block runs, ending with the crawl."""
    stop = threading.Event()
    watcher = threading.Thread(
        target=_watch, args=(engine, site_id, stop, sys.stderr.isatty()), daemon=True
    )
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
