"""What the crawl does besides following links: sitemap-only URLs and canonical targets once the
linked pages are done, a second look at slow pages, and the URLs the limits left out.

The crawler calls :meth:`FollowUps.observe` for every record before handing it on, and
:meth:`FollowUps.next_batch` whenever its frontier runs dry; :meth:`FollowUps.finish` writes the
counts into the site facts.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from seology_pipeline.crawl.canonicals import CanonicalTargets
from seology_pipeline.crawl.fetch import HttpFetcher
from seology_pipeline.crawl.records import PageRecord, SiteFacts
from seology_pipeline.crawl.settings import CrawlSettings
from seology_pipeline.crawl.sitemaps import Sitemaps
from seology_pipeline.crawl.urls import Scope

FollowUp = tuple[str, str | None, bool]
"""A URL to crawl next, the page (or sitemap) that named it, whether it counts in max_pages."""


class FollowUps:
    def __init__(
        self, settings: CrawlSettings, fetcher: HttpFetcher, scope: Scope, facts: SiteFacts
    ) -> None:
        self.settings = settings
        self.fetcher = fetcher
        self.facts = facts
        self.scope = scope
        self.sitemaps = Sitemaps(fetcher, facts)
        self.canonicals = CanonicalTargets(scope, settings.max_canonical_checks)
        self._stages = ["sitemap", "canonical"]
        self._left: defaultdict[str, set[str]] = defaultdict(set)

    async def observe(self, record: PageRecord) -> None:
        """Note a finished record's sitemap hygiene and canonical; re-time it when slow."""
        self.sitemaps.observe(record)
        self.canonicals.observe(record)
        await self._retime(record)

    def note_left(self, reason: str, url: str) -> None:
        """A URL the crawl will not fetch because of ``reason`` (``max_pages``, ``max_depth``)."""
        self._left[reason].add(url)

    async def next_batch(self, seen: set[str]) -> list[FollowUp]:
        """The next URLs to crawl: first the sitemap URLs no link reached, then the canonical
        targets not crawled; empty when nothing is left."""
        while self._stages:
            stage = self._stages.pop(0)
            if stage == "sitemap":
                if self.facts.final_root_url:
                    await self.sitemaps.discover_beside(self.facts.final_root_url)
                urls = [u for u in self.sitemaps.unvisited(seen) if self.scope.is_internal(u)]
                sitemap = self.facts.sitemap_urls[0] if self.facts.sitemap_urls else None
                batch: list[FollowUp] = [(url, sitemap, True) for url in urls]
                self.facts.sitemap_only_urls = len(batch)
            else:
                batch = [(url, src, False) for url, src in self.canonicals.unvisited(seen)]
                self.facts.canonical_targets_checked = len(batch)
            if batch:
                return batch
        return []

    def finish(self, seen: set[str]) -> None:
        self.sitemaps.finish()
        self.facts.urls_left = {
            reason: len(urls - seen) for reason, urls in sorted(self._left.items()) if urls - seen
        }
        if self.facts.urls_left.get("max_depth") and not self.facts.stopped_reason:
            self.facts.stopped_reason = "max_depth"

    async def _retime(self, record: PageRecord) -> None:
        first = record.ttfb_ms
        samples = self.settings.ttfb_samples
        if first is None or first <= self.settings.ttfb_recheck_ms or samples < 2:
            return
        times = [first]
        url = record.final_url or record.url
        for _ in range(samples - 1):
            again = await self.fetcher.fetch(url, follow=lambda _: False)
            if again.ttfb_ms is not None:
                times.append(round(again.ttfb_ms, 2))
        record.ttfb_samples_ms = times
        record.ttfb_ms = round(statistics.median(times), 2)
