"""Canonical targets to verify: every internal canonical the crawl did not reach is fetched
after the linked and sitemap pages, apart from ``max_pages`` and bounded by
``max_canonical_checks``, so the audit can tell a canonical to a 404, a redirect, a noindex or a
blocked URL from a good one."""

from __future__ import annotations

from seology_pipeline.crawl.records import PageRecord
from seology_pipeline.crawl.urls import Scope


class CanonicalTargets:
    def __init__(self, scope: Scope, limit: int) -> None:
        self.scope = scope
        self.limit = limit
        self.found_on: dict[str, str] = {}

    def observe(self, record: PageRecord) -> None:
        target = record.canonical
        if not target or target in self.found_on or not self.scope.is_internal(target):
            return
        if target not in (record.url, record.final_url):
            self.found_on[target] = record.final_url or record.url

    def unvisited(self, seen: set[str]) -> list[tuple[str, str]]:
        """(target, page naming it) for targets not crawled, at most ``limit``."""
        pending = [(t, src) for t, src in self.found_on.items() if t not in seen]
        return pending[: self.limit]
