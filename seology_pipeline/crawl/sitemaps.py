"""XML sitemaps: discovery, reading (indexes, gzip) and the hygiene of the URLs they list.

Discovery tries the ``Sitemap:`` lines of robots.txt, the site's own extra sitemap URLs
(``sitemap_urls`` setting), ``/sitemap.xml`` and ``/sitemap_index.xml``, and, once the start URL's
redirects (HTTP or meta refresh) are known, ``sitemap.xml`` beside the final start URL (a home
page redirecting to ``/en/`` with its sitemap at ``/en/sitemap.xml``). Listed URLs that no link
reaches are fetched after the linked pages, within the page budget, so orphan pages are found.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zlib
from collections import Counter, deque
from urllib.parse import urljoin

from protego import Protego

from seology_pipeline.crawl.fetch import HttpFetcher
from seology_pipeline.crawl.records import ErrorKind, PageRecord, SiteFacts
from seology_pipeline.crawl.robots import origin
from seology_pipeline.crawl.urls import normalise

MAX_SITEMAP_BYTES = 50 * 1024 * 1024
MAX_SITEMAP_FILES = 100
WELL_KNOWN = ("sitemap.xml", "sitemap_index.xml")


class Sitemaps:
    """The sitemaps of one crawl: :meth:`discover` first, :meth:`discover_beside` once the start
    URL's final URL is known; :attr:`pages` are the listed page URLs, normalised."""

    def __init__(self, fetcher: HttpFetcher, facts: SiteFacts) -> None:
        self.fetcher = fetcher
        self.facts = facts
        self.pages: set[str] = set()
        self._problems: dict[str, tuple[str, ...]] = {}
        self._tried: set[str] = set()

    async def discover(self, root: str, robots: Protego | None) -> None:
        declared = [*(robots.sitemaps if robots is not None else ()), *self._extra(root)]
        guesses = [origin(root) + name for name in WELL_KNOWN]
        await self._read([(url, True) for url in declared] + [(url, False) for url in guesses])

    async def discover_beside(self, final_root: str) -> None:
        """Try ``sitemap.xml`` in the folder of the final start URL (after its redirects)."""
        await self._read([(urljoin(final_root, "sitemap.xml"), False)])

    def unvisited(self, seen: set[str]) -> list[str]:
        """Listed URLs the crawl has not reached, in a stable order."""
        return sorted(self.pages - seen)

    def observe(self, record: PageRecord) -> None:
        """Flag a listed record and keep every record's sitemap problems (a sitemap found late,
        beside the final start URL, may list pages crawled before it)."""
        record.in_sitemap = record.url in self.pages
        problems = tuple(sitemap_problems(record))
        self._problems[record.url] = problems
        if record.final_url and record.final_url != record.url:  # the target, fetched once
            self._problems.setdefault(
                record.final_url, tuple(p for p in problems if p != "redirected")
            )

    def finish(self) -> None:
        """Count the listed URLs' problems into ``facts.sitemap_hygiene``: non-200, redirected,
        noindex, non-canonical, blocked (``ok`` for good entries)."""
        counts: Counter[str] = Counter()
        for url in self.pages:
            if url in self._problems:
                counts.update(self._problems[url] or ("ok",))
        self.facts.sitemap_hygiene = dict(sorted(counts.items()))

    def _extra(self, root: str) -> list[str]:
        extra = (normalise(url, root) for url in self.fetcher.settings.sitemap_urls)
        return [url for url in extra if url]

    async def _read(self, candidates: list[tuple[str, bool]]) -> None:
        queue = deque(candidates)
        cap = self.fetcher.settings.max_sitemap_urls
        strip = self.fetcher.settings.strip_query_params
        facts = self.facts
        while queue and len(self._tried) < MAX_SITEMAP_FILES:
            url, must_exist = queue.popleft()
            if url in self._tried:
                continue
            self._tried.add(url)
            fetched = await self.fetcher.fetch(url, any_body=True, max_bytes=MAX_SITEMAP_BYTES)
            if fetched.error_kind is not None or fetched.status != 200 or fetched.body is None:
                if must_exist or (fetched.status is not None and fetched.status != 404):
                    reason = fetched.error or f"HTTP {fetched.status}"
                    facts.sitemap_errors.append(f"{url}: {reason}")
                continue
            try:
                children, locs = parse_sitemap(fetched.body)
            except (ET.ParseError, zlib.error, ValueError) as exc:
                if must_exist:
                    facts.sitemap_errors.append(f"{url}: not a sitemap ({exc})")
                continue
            facts.sitemap_urls.append(url)
            queue.extend((child, True) for child in children)
            for loc in locs:
                facts.sitemap_url_count += 1
                page = normalise(loc, url, strip)
                if page and len(self.pages) < cap:
                    self.pages.add(page)
        facts.sitemap_pages = sorted(self.pages)


def sitemap_problems(record: PageRecord) -> list[str]:
    """Why a URL should not be in a sitemap (empty when it is a fine entry)."""
    if record.error_kind == ErrorKind.BLOCKED_BY_ROBOTS:
        return ["blocked"]
    problems = []
    if record.redirect_chain:
        problems.append("redirected")
    elif record.status != 200:
        problems.append("non_200")
    if record.noindex:
        problems.append("noindex")
    canonical = record.canonical
    if canonical and canonical not in (record.url, record.final_url):
        problems.append("non_canonical")
    return problems


def parse_sitemap(body: bytes) -> tuple[list[str], list[str]]:
    """(child sitemaps, page URLs) of a sitemap or sitemap index, gzip or plain."""
    if body[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(wbits=31)
        body = inflater.decompress(body, MAX_SITEMAP_BYTES)
        if inflater.unconsumed_tail:
            raise ValueError(f"more than {MAX_SITEMAP_BYTES} bytes uncompressed")
    children: list[str] = []
    locs: list[str] = []
    kind = "url"
    for event, element in ET.iterparse(io.BytesIO(body), events=("start", "end")):
        tag = element.tag.rsplit("}", 1)[-1]
        if event == "start":
            if tag in ("sitemapindex", "urlset"):
                kind = "sitemap" if tag == "sitemapindex" else "url"
            continue
        if tag == "loc" and element.text:
            (children if kind == "sitemap" else locs).append(element.text.strip())
        element.clear()
    return children, locs
