"""Crawl test helpers: settings for a local site, a crawl that collects records, the browser."""

from __future__ import annotations

from typing import Any

import pytest

from seology_pipeline.crawl.chromium import find_browser_executable
from seology_pipeline.crawl.crawler import crawl_site
from seology_pipeline.crawl.records import PageRecord, SiteFacts
from seology_pipeline.crawl.settings import CrawlSettings
from seology_pipeline_tests.sites import Site


@pytest.fixture(scope="session")
def browser_executable() -> str:
    """The Chromium the crawler would pick by itself (CI: Debian's chromium packages)."""
    return find_browser_executable(None)


def settings_for(site: Site, path: str = "/", **overrides: Any) -> CrawlSettings:
    """Fast settings for a loopback site: private networks allowed, no rendering, short timeouts."""
    values: dict[str, Any] = {
        "root_url": site.url + path,
        "allow_private_networks": True,
        "render_mode": "never",
        "page_timeout_s": 5,
    }
    values.update(overrides)
    return CrawlSettings(**values)


def crawl(settings: CrawlSettings) -> tuple[dict[str, PageRecord], SiteFacts]:
    """Crawl to the end; records keyed by the URL's path (and query)."""
    records: dict[str, PageRecord] = {}

    def keep(record: PageRecord) -> None:
        key = record.url.split("/", 3)[3] if record.url.count("/") >= 3 else ""
        assert "/" + key not in records, f"{record.url} recorded twice"
        records["/" + key] = record

    facts = crawl_site(settings, keep)
    return records, facts
