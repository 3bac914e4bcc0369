"""The crawler's settings as a resource: environment first, then per-site and per-run values."""

from __future__ import annotations

from typing import Any

import dagster as dg

from seology_pipeline.crawl.settings import CrawlSettings
from seology_pipeline.runs.site_run import site_crawl_settings


class CrawlerResource(dg.ConfigurableResource):
    """Crawler settings. Empty fields fall back to the ``SEOLOGY_CRAWL_*`` environment."""

    render_mode: str | None = None
    browser_executable: str | None = None
    allow_private_networks: bool | None = None
    concurrency: int | None = None

    def settings_for(
        self, root_url: str, max_pages: int, site_settings: dict[str, Any] | None = None
    ) -> CrawlSettings:
        """Validated settings for one crawl; raises ``SettingsError`` naming the bad value."""
        return site_crawl_settings(
            root_url,
            max_pages,
            site_settings,
            render_mode=self.render_mode,
            browser_executable=self.browser_executable,
            allow_private_networks=self.allow_private_networks,
            concurrency=self.concurrency,
        )
