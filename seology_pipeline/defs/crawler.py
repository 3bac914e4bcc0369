"""The crawler's settings as a resource: environment first, then per-site and per-run values."""

from __future__ import annotations

from typing import Any

import dagster as dg

from seology_pipeline.crawl.settings import CrawlSettings
from seology_pipeline.settings import load_settings

# What a customer may set for their own site (``site_connections.settings["crawl"]``); network
# and browser settings stay the operator's.
SITE_OVERRIDABLE = frozenset(
    {
        "include_patterns",
        "exclude_patterns",
        "max_depth",
        "render_mode",
        "delay_s",
        "obey_robots",
        "include_www",
        "strip_query_params",
        "sitemap_urls",
    }
)


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
        site_crawl = (site_settings or {}).get("crawl") or {}
        overrides = {k: v for k, v in site_crawl.items() if k in SITE_OVERRIDABLE}
        operator = {
            "render_mode": self.render_mode,
            "browser_executable": self.browser_executable,
            "allow_private_networks": self.allow_private_networks,
            "concurrency": self.concurrency,
        }
        overrides |= {k: v for k, v in operator.items() if v is not None}
        return load_settings().crawl_settings(root_url=root_url, max_pages=max_pages, **overrides)
