"""``seology demo``: the whole pipeline on the bundled demo site, on embedded defaults."""

from __future__ import annotations

import os
import signal
import socket
import threading
from contextlib import closing, suppress

import click
from sqlalchemy import Engine

from seology_pipeline.cli.errors import CommandError
from seology_pipeline.cli.instance_cmds import init_instance
from seology_pipeline.cli.run_cmds import crawl_in_process, verbose_requested
from seology_pipeline.db.engine import connected_engine, session_scope
from seology_pipeline.db.migrate import upgrade
from seology_pipeline.db.models import SiteConnection, Subscription, SubscriptionStatus, User
from seology_pipeline.demo.server import serve_demo_site
from seology_pipeline.files import write_private_text
from seology_pipeline.report import load_report, render_html_report
from seology_pipeline.settings import data_dir
from seology_pipeline.wording import plural

DEMO_USER = "demo-user"
DEMO_SITE = "demo-bakery"
DEFAULT_PORT = 8765


def _free_port(preferred: int) -> int:
    """``preferred`` if free (so the demo site keeps its URLs across runs), else any port."""
    with closing(socket.socket()) as probe:
        # As the demo server binds (SO_REUSEADDR): a previous demo's closed connections on the
        # port (TIME_WAIT) must not move the site to another port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            return 0
    return preferred


def _register(engine: Engine, url: str) -> None:
    with session_scope(engine) as session:
        if session.get(User, DEMO_USER) is None:
            session.add(User(id=DEMO_USER, email="demo@seology.invalid", name="Demo customer"))
            session.flush()
            session.add(
                Subscription(
                    user_id=DEMO_USER, plan_code="agency", status=SubscriptionStatus.ACTIVE
                )
            )
        site = session.get(SiteConnection, DEMO_SITE)
        if site is None:
            session.add(
                SiteConnection(
                    id=DEMO_SITE,
                    user_id=DEMO_USER,
                    root_url=url,
                    name="Cedar Hollow Bakery (demo)",
                    default_max_pages=100,
                )
            )
        else:
            site.root_url = url
            site.is_active = True


def _summary(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        data = load_report(session, DEMO_SITE)
        crawl = data.crawl
        lines = [
            "",
            f"{data.site.name}: {plural(crawl.pages_crawled, 'page')} crawled, "
            f"health score {crawl.health_score or 0:.0f}/100",
            "issues: "
            + ", ".join(f"{count} {severity}" for severity, count in data.by_severity.items()),
            f"since the previous crawl: {data.diff.new} new, {data.diff.resolved} resolved, "
            f"{data.diff.regressed} regressed",
        ]
        if data.analysis is not None:
            lines.append(f"analysis ({data.analysis.analyst}): {data.analysis.summary}")
            for rank, action in enumerate(data.analysis.actions[:5], start=1):
                lines.append(f"  {rank}. [{action.severity}] {action.title}")
        lines.append("most severe issues:")
        for row in data.rows[:8]:
            lines.append(f"  {row['severity']:<8} {row['rule']:<28} {row['url']}")
        report = render_html_report(session, DEMO_SITE)
    path = data_dir() / "reports" / f"{DEMO_SITE}.html"
    write_private_text(path, report)
    lines.append(f"HTML report: {path}")
    return lines


@click.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port of the demo site on 127.0.0.1 (taken: any free port).",
)
@click.option(
    "--serve",
    is_flag=True,
    help="Keep the demo site up after the demo (until Ctrl-C), for experiments in the UI.",
)
def demo(port: int, serve: bool) -> None:
    """Serve the bundled demo site, then crawl, audit and analyse it end to end.

    Uses the embedded defaults: the SQLite app database and Dagster instance under the data
    folder; the rule-based analyst unless ANTHROPIC_API_KEY is set.
    """
    engine = connected_engine()
    upgrade(engine)
    home = init_instance()
    # The demo site is on loopback: allow exactly that address, nothing else private.
    os.environ.setdefault("SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST", "127.0.0.1")
    with serve_demo_site(_free_port(port)) as url:
        _register(engine, url)
        click.echo(f"demo site {url} (user {DEMO_USER}, site {DEMO_SITE}); crawling...")
        verbose = verbose_requested(click.get_current_context(), False)
        run = crawl_in_process(DEMO_SITE, None, DEMO_USER, verbose=verbose)
        state = "ok" if run.success else f"FAILED: {run.error}"
        click.echo(f"run {run.run_id}: {state}")
        if not run.success and "issuesFound" not in (run.result or {}):  # not even audited
            raise CommandError(f"the demo crawl failed: {run.error}")
        for line in _summary(engine):
            click.echo(line)
        if not run.success:
            raise CommandError("the analysis failed; see the run in the Dagster UI")
        ui = f"http://127.0.0.1:3000 (DAGSTER_HOME={home})"
        if not serve:
            click.echo(
                f"\nSee the same runs and data in the Dagster UI: `.venv/bin/seology dev`, {ui}."
            )
            return
        click.echo(
            f"\nThe demo site stays up at {url} until Ctrl-C. In another terminal, start the UI"
            " with the crawler allowed to reach it:\n"
            "  SEOLOGY_CRAWL_PRIVATE_NETWORK_ALLOWLIST=127.0.0.1 .venv/bin/seology dev\n"
            f"then open {ui} and materialize a partition of crawled_pages for {DEMO_SITE}.",
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())  # a service manager's stop, too
        with suppress(KeyboardInterrupt):
            stop.wait()
