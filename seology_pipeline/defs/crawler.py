"""The crawler's settings as a resource: environment first, then per-site and per-run values."""

from __future__ import annotations

import enum
from typing import Any

import dagster as dg
from pydantic import Field

from seology_pipeline.crawl.settings import CrawlSettings
from seology_pipeline.runs.site_run import site_crawl_settings


class RenderMode(enum.StrEnum):
    """When pages are rendered in Chromium, as launchpad choices."""

    always = "always"
    auto = "auto"
    never = "never"


class CrawlerResource(dg.ConfigurableResource):
    """Crawler settings; an empty field takes its SEOLOGY_CRAWL_* variable."""

    render_mode: RenderMode | None = Field(
        default=None, description="Render pages in Chromium: always, auto or never."
    )
    browser_executable: str | None = Field(default=None, description="Chromium binary to run.")
    allow_private_networks: bool | None = Field(
        default=None, description="Allow crawling private and loopback addresses."
    )
    concurrency: int | None = Field(default=None, description="Pages fetched at once, 1-64.")

    def settings_for(
        self, root_url: str, max_pages: int, site_settings: dict[str, Any] | None = None
    ) -> CrawlSettings:
        """Validated settings for one crawl; raises ``SettingsError`` naming the bad value."""
        return site_crawl_settings(
            root_url,
            max_pages,
            site_settings,
            render_mode=self.render_mode.value if self.render_mode else None,
            browser_executable=self.browser_executable,
            allow_private_networks=self.allow_private_networks,
            concurrency=self.concurrency,
        )
