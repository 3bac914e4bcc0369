"""``seology browser``: which Chromium the crawler will launch."""

from __future__ import annotations

import click

from seology_pipeline.cli.errors import CommandError
from seology_pipeline.crawl.chromium import BrowserNotFoundError, find_browser_executable


@click.command()
def browser() -> None:
    """Print the Chromium executable the crawler uses (SEOLOGY_CRAWL_BROWSER, else Playwright's
    own Chromium, else chromium on PATH); fail with install advice when there is none."""
    try:
        click.echo(find_browser_executable(None))
    except BrowserNotFoundError as exc:
        raise CommandError(str(exc)) from None
