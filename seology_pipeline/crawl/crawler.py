"""Crawl one site and stream a :class:`PageRecord` per URL.

Order of work: robots.txt, sitemaps and the root's HTTPS behaviour first (into
:class:`SiteFacts`), then a breadth-first crawl from the root with ``concurrency`` workers, then
the follow-ups of :mod:`~seology_pipeline.crawl.followups` (sitemap URLs no link reached, within
``max_pages``; canonical targets not crawled, apart from it). Every
URL admitted to the crawl yields exactly one record (fetched, failed, or blocked by robots.txt or
the network guard), so ``max_pages`` is exact. A URL reached through redirects is recorded once,
under the URL requested, with the chain and the final page's fields; its final URL is not fetched
again. A URL answered 429/503 is re-queued alone after its ``Retry-After`` (see
:mod:`~seology_pipeline.crawl.politeness`) and recorded once, with its last answer.
``ttfb_ms`` is the final response's time to headers; ``load_ms`` is the whole HTTP fetch
(all hops and the body) plus, for rendered pages, the browser's time to ``load`` and extraction.

In ``auto`` mode a page is rendered only when its raw HTML looks like it needs JavaScript
(:func:`~seology_pipeline.crawl.extract.needs_javascript`); in ``always`` mode every 2xx HTML
page is. Rendered pages carry the rendered DOM's fields and ``render_diffs`` against the raw HTML.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import importlib
import itertools
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import TYPE_CHECKING, Any

from protego import Protego

from seology_pipeline.crawl.chromium import BrowserNotFoundError, find_browser_executable
from seology_pipeline.crawl.extract import (
    PageData,
    apply_page_data,
    needs_javascript,
    parse_html,
    parse_refresh,
)
from seology_pipeline.crawl.fetch import Fetched, HttpFetcher, decode_html
from seology_pipeline.crawl.followups import FollowUps
from seology_pipeline.crawl.guard import NetworkGuard
from seology_pipeline.crawl.politeness import (
    OVERLOAD_STATUSES,
    HostGate,
    PolitenessBudget,
    retry_after_seconds,
)
from seology_pipeline.crawl.records import (
    UNLINKED_DEPTH,
    ErrorKind,
    HopKind,
    PageRecord,
    RedirectHop,
    RenderDiff,
    SiteFacts,
)
from seology_pipeline.crawl.robots import load_robots
from seology_pipeline.crawl.settings import CrawlSettings
from seology_pipeline.crawl.urls import Scope, normalise

if TYPE_CHECKING:
    from seology_pipeline.crawl.browser import Renderer

HEADERS_KEPT = (
    "content-type",
    "content-length",
    "content-encoding",
    "content-language",
    "x-robots-tag",
    "link",
    "strict-transport-security",
    "content-security-policy",
    "cache-control",
    "last-modified",
    "etag",
    "location",
    "retry-after",
)

# A URL in the crawl: (url, depth, found on, attempts so far).
Item = tuple[str, int, str | None, int]


class SiteCrawler:
    """Crawls ``settings.root_url``; iterate :meth:`crawl`, then read :attr:`facts`."""

    def __init__(self, settings: CrawlSettings) -> None:
        self.settings = settings
        self.facts = SiteFacts(root_url=settings.root_url)
        self.scope = Scope(settings)
        self.guard = NetworkGuard(
            settings.allow_private_networks, settings.private_network_allowlist
        )
        self.budget = PolitenessBudget(settings.politeness_budget_s)
        self.gate = HostGate(settings.per_host_concurrency, settings.delay_s, self.budget)
        self.robots: Protego | None = None
        self.follow_ups: FollowUps | None = None
        self.renderer: Renderer | None = None
        self._fetcher: HttpFetcher | None = None
        self._frontier: deque[Item] = deque()
        # re-queued URLs: a heap of (due, order, item, the record of the last attempt)
        self._deferred: list[tuple[float, int, Item, PageRecord]] = []
        self._order = itertools.count()
        self._seen: set[str] = set()
        self._admitted = 0
        self._in_flight = 0
        self._wake = asyncio.Event()
        self._stopped = False

    async def crawl(self) -> AsyncIterator[PageRecord]:
        """Yield one record per crawled URL, as soon as each is done."""
        s = self.settings
        root = normalise(s.root_url) or s.root_url
        self._fetcher = fetcher = HttpFetcher(s, self.guard, self.gate)
        started = time.monotonic()  # after the client's one-time set-up (imports, TLS context)
        self.follow_ups = FollowUps(s, fetcher, self.scope, self.facts)
        if s.render_mode != "never":
            find_browser_executable(s.browser_executable)  # fail fast, with install help
        out: asyncio.Queue[PageRecord | None] = asyncio.Queue(maxsize=s.concurrency * 2)
        tasks: list[asyncio.Task[Any]] = []
        try:
            await self._site_facts(fetcher, root)
            self._seen.add(root)
            self._admitted = 1
            self._frontier.append((root, 0, None, 0))
            workers = [
                asyncio.create_task(self._worker(out, started)) for _ in range(s.concurrency)
            ]
            closer = asyncio.create_task(_close_when_done(workers, out))
            tasks = [*workers, closer]
            while (record := await out.get()) is not None:
                self.facts.pages_crawled += 1
                if record.error_kind in (ErrorKind.BLOCKED_BY_ROBOTS, ErrorKind.NETWORK_GUARD):
                    self.facts.pages_blocked += 1
                if record.url == root:
                    self._root_done(record)
                yield record
            failures = await closer
            if failures:
                raise failures[0]
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await fetcher.aclose()
            if self.renderer is not None:
                await self.renderer.close()
            self.facts.skipped_urls = dict(self.scope.skipped)
            self.follow_ups.finish(self._seen)
            self.facts.pages_rendered = self.renderer.pages_rendered if self.renderer else 0
            self.facts.duration_s = round(time.monotonic() - started, 3)
            self.facts.host_slowdowns = self.gate.slowdowns
            self.facts.politeness_wait_s = round(self.budget.spent, 3)

    async def _site_facts(self, fetcher: HttpFetcher, root: str) -> None:
        self.robots = await load_robots(fetcher, root, self.facts)
        if self.facts.crawl_delay and self.settings.obey_robots:
            self.gate.delay_s = max(self.gate.delay_s, self.facts.crawl_delay)
        assert self.follow_ups is not None
        await self.follow_ups.sitemaps.discover(root, self.robots)
        if root.startswith("https:"):
            plain = "http:" + root[len("https:") :]
            check = await fetcher.fetch(plain, follow=lambda _: True, max_bytes=1024 * 1024)
            hops = [hop.url for hop in check.chain] + [check.final_url]
            self.facts.http_redirects_to_https = any(u.startswith("https:") for u in hops)

    def _root_done(self, record: PageRecord) -> None:
        final = record.final_url or record.url
        self.facts.final_root_url = final
        self.facts.uses_https = final.startswith("https:")
        if record.url.startswith("http:"):
            self.facts.http_redirects_to_https = self.facts.uses_https

    async def _worker(self, out: asyncio.Queue[PageRecord | None], started: float) -> None:
        while True:
            if time.monotonic() - started > self.settings.time_budget_s and not self._stopped:
                self._stopped = True
                self.facts.stopped_reason = "time_budget"
            idle = not self._frontier and not self._deferred and self._in_flight == 0
            if idle and not self._stopped and await self._follow_up():
                continue
            if self._stopped or idle:
                await self._give_up_deferred(out)
                self._wake.set()
                return
            item = self._next_item()
            if item is None:
                self._wake.clear()
                wait = None
                if self._deferred:  # the next retry, or the end of the time budget
                    end = min(self._deferred[0][0], started + self.settings.time_budget_s)
                    wait = end - time.monotonic() + 0.001
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await self._wake.wait()
                continue
            self._in_flight += 1
            try:
                record = await self._page(*item)
                if record is not None:
                    assert self.follow_ups is not None
                    await self.follow_ups.observe(record)
                    await out.put(record)
            finally:
                self._in_flight -= 1
                self._wake.set()

    async def _give_up_deferred(self, out: asyncio.Queue[PageRecord | None]) -> None:
        """A crawl that stops still records the URLs waiting for a retry (their last answer)."""
        while self._deferred:
            record = heapq.heappop(self._deferred)[3]
            record.error = f"{record.status}: not retried, the crawl stopped"
            self.facts.unrecovered_urls[record.url] = record.status or 0
            await out.put(record)

    def _next_item(self) -> Item | None:
        """A re-queued URL whose wait is over, else the next new URL, else None."""
        if self._deferred and self._deferred[0][0] <= time.monotonic():
            return heapq.heappop(self._deferred)[2]
        return self._frontier.popleft() if self._frontier else None

    def _retry_later(self, record: PageRecord, item: Item) -> bool:
        """Re-queue a URL answered 429/503 after its ``Retry-After``; False when it is given up.

        Only that URL waits: the crawl goes on meanwhile. A wait longer than the cap, a URL out
        of retries, or a wait the politeness budget cannot pay leaves the record as it is (its
        status reported, with the reason).
        """
        url, depth, found_on, attempts = item
        if record.status not in OVERLOAD_STATUSES or record.error_kind is not None:
            return False
        s = self.settings
        wait = retry_after_seconds(record.headers.get("retry-after"), 2.0**attempts)
        if attempts >= s.max_retries:
            reason = f"still {record.status} after {attempts + 1} attempts"
        elif wait > s.max_retry_after_s:
            reason = f"Retry-After {wait:g} s is over the {s.max_retry_after_s:g} s cap"
        elif not self.budget.take(wait):
            reason = f"politeness budget of {s.politeness_budget_s:g} s spent"
        else:
            due = time.monotonic() + wait
            retry = (url, depth, found_on, attempts + 1)
            heapq.heappush(self._deferred, (due, next(self._order), retry, record))
            self.facts.retries += 1
            return True
        record.error = f"{record.status}: {reason}"
        self.facts.unrecovered_urls[url] = record.status or 0
        return False

    async def _follow_up(self) -> bool:
        """The linked pages are done: queue the follow-ups; False when there are none."""
        assert self.follow_ups is not None
        self._in_flight += 1  # the other workers wait meanwhile
        try:
            batch = await self.follow_ups.next_batch(self._seen)
        finally:
            self._in_flight -= 1
        for url, found_on, counted in batch:
            if counted:
                self._enqueue(url, UNLINKED_DEPTH, found_on)
            elif url not in self._seen and self.scope.admit(url):
                self._seen.add(url)
                self._frontier.append((url, UNLINKED_DEPTH, found_on, 0))
        self._wake.set()
        return bool(batch)

    def _enqueue(self, url: str, depth: int, found_on: str | None) -> None:
        if url in self._seen:
            return
        if self._admitted >= self.settings.max_pages:
            self.facts.stopped_reason = self.facts.stopped_reason or "max_pages"
            assert self.follow_ups is not None
            self.follow_ups.note_left("max_pages", url)
            return
        if not self.scope.admit(url):
            return
        self._seen.add(url)
        self._admitted += 1
        self._frontier.append((url, depth, found_on, 0))
        self._wake.set()

    async def _page(
        self, url: str, depth: int, found_on: str | None, attempts: int
    ) -> PageRecord | None:
        """The record of ``url``, or None when it was re-queued to be tried again later."""
        record = PageRecord(url=url, depth=depth, found_on=found_on)
        robots = self.robots if self.settings.obey_robots else None
        if robots is not None and not robots.can_fetch(url, self.settings.user_agent):
            record.error_kind = ErrorKind.BLOCKED_BY_ROBOTS
            record.error = "disallowed by robots.txt"
            return record
        try:
            await self._fetch_into(record)
        except BrowserNotFoundError:
            raise
        except Exception as exc:  # one page's failure never ends the crawl
            record.error_kind = record.error_kind or ErrorKind.OTHER
            record.error = f"{type(exc).__name__}: {exc}"
        if self._retry_later(record, (url, depth, found_on, attempts)):
            return None
        return record

    async def _fetch_into(self, record: PageRecord) -> None:
        assert self._fetcher is not None
        fetched = await self._fetcher.fetch(record.url, follow=self.scope.is_internal)
        data: PageData | None = None
        while True:
            _copy_response(record, fetched)
            if fetched.error_kind is not None:
                return
            ok = fetched.status is not None and 200 <= fetched.status < 300
            if ok and not fetched.is_html:
                record.error_kind = ErrorKind.NON_HTML
                record.error = f"not HTML: {fetched.content_type or 'no content type'}"
            if not ok or fetched.body is None or not fetched.is_html:
                return
            data = parse_html(decode_html(fetched.body, fetched.content_type))
            target = self._refresh_target(record, data)
            if target is None:
                break
            fetched = await self._fetcher.fetch(
                target, follow=self.scope.is_internal, chain=record.redirect_chain
            )
        self._seen.add(record.final_url or record.url)
        if self._should_render(data):
            data = await self._render(record, fetched, data)
        apply_page_data(record, data, self.scope)
        self._discover(record)

    def _refresh_target(self, record: PageRecord, data: PageData) -> str | None:
        """Follow a meta refresh: append the hop and return the next URL, or None."""
        page_url = record.final_url or record.url
        target = parse_refresh(data.get("refresh"))
        if not target:
            return None
        target = normalise(target, page_url, self.settings.strip_query_params)
        if target is None or target == page_url:
            return None
        record.redirect_chain.append(RedirectHop(page_url, record.status, HopKind.META_REFRESH))
        record.final_url = target
        if target in {hop.url for hop in record.redirect_chain}:
            record.redirect_loop = True
            record.error_kind, record.error = ErrorKind.REDIRECT_LOOP, f"loop back to {target}"
            return None
        if len(record.redirect_chain) > self.settings.max_redirects or not (
            self.scope.is_internal(target)
        ):
            return None
        return target

    def _should_render(self, data: PageData) -> bool:
        mode = self.settings.render_mode
        return mode == "always" or (mode == "auto" and needs_javascript(data))

    def _renderer(self) -> Renderer:
        """The crawl's renderer, made when the first page needs one: only a crawl that renders
        loads Playwright (0.15 s)."""
        if self.renderer is None:
            browser = importlib.import_module("seology_pipeline.crawl.browser")
            self.renderer = browser.Renderer(self.settings, self.guard)
        return self.renderer

    async def _render(self, record: PageRecord, fetched: Fetched, raw: PageData) -> PageData:
        assert fetched.body is not None
        url = fetched.final_url
        headers = list(fetched.headers.multi_items())
        result = await self._renderer().render(url, fetched.status or 200, headers, fetched.body)
        record.load_ms = (record.load_ms or 0.0) + result.load_ms
        if result.refused is not None:
            record.redirect_chain.append(RedirectHop(url, record.status, HopKind.JAVASCRIPT))
            record.final_url = result.refused
            record.error_kind = ErrorKind.NETWORK_GUARD
            record.error = f"JavaScript navigation to {result.refused} refused by the network guard"
            return raw
        if result.data is None:
            record.error_kind, record.error = ErrorKind.BROWSER, result.error
            return raw
        record.rendered = True
        final = normalise(result.final_url or url) or url
        if final != (normalise(url) or url):
            record.redirect_chain.append(RedirectHop(url, record.status, HopKind.JAVASCRIPT))
            if final in {hop.url for hop in record.redirect_chain}:
                record.redirect_loop = True
                record.error_kind = ErrorKind.REDIRECT_LOOP
                record.error = f"JavaScript redirect loop back to {final}"
            record.final_url = final
            record.status = result.status
            self._seen.add(final)
        record.render_diffs = render_diffs(raw, result.data)
        return result.data

    def _discover(self, record: PageRecord) -> None:
        if record.depth == UNLINKED_DEPTH or record.error_kind is not None:
            return
        if record.depth >= self.settings.max_depth:
            assert self.follow_ups is not None
            for link in record.links:
                if link.crawlable and link.internal and link.url and link.url not in self._seen:
                    self.follow_ups.note_left("max_depth", link.url)
            return
        follow_all = self.settings.follow_nofollow
        if not follow_all and "nofollow" in record.robots_directives | _none(record):
            return
        source = record.final_url or record.url
        for link in record.links:
            if not (link.crawlable and link.internal and link.url):
                continue
            if not follow_all and "nofollow" in link.rel.split():
                continue
            self._enqueue(link.url, record.depth + 1, source)


def _none(record: PageRecord) -> set[str]:
    return {"nofollow"} if "none" in record.robots_directives else set()


def _copy_response(record: PageRecord, fetched: Fetched) -> None:
    record.final_url = fetched.final_url
    record.status = fetched.status
    record.redirect_chain = list(fetched.chain)
    record.redirect_loop = fetched.loop
    record.content_type = fetched.content_type
    record.http_version = fetched.http_version
    record.headers = {
        name: ", ".join(fetched.headers.get_list(name))
        for name in HEADERS_KEPT
        if name in fetched.headers
    }
    record.header_canonical = header_canonical(fetched.headers.get_list("link"), fetched.final_url)
    record.ttfb_ms = round(fetched.ttfb_ms, 2) if fetched.ttfb_ms is not None else None
    record.load_ms = round((record.load_ms or 0.0) + fetched.elapsed_ms, 2)
    record.size_bytes = fetched.size_bytes
    record.error_kind, record.error = fetched.error_kind, fetched.error


def header_canonical(links: list[str], base: str) -> str | None:
    """The ``rel=canonical`` target of ``Link`` headers, resolved against ``base``."""
    for value in links:
        for part in value.split(","):
            target, _, params = part.partition(">")
            rels = [p.strip().lower() for p in params.split(";") if "rel" in p.lower()]
            if any("canonical" in r.split("=", 1)[-1].strip("\"' ").split() for r in rels):
                return normalise(target.strip().lstrip("<"), base)
    return None


def render_diffs(raw: PageData, rendered: PageData) -> list[RenderDiff]:
    """Fields on which the raw HTML and the rendered DOM disagree."""

    def first(data: PageData, key: str) -> str | None:
        return data[key][0][0] if data[key] else None

    pairs = {
        "title": (first(raw, "titles"), first(rendered, "titles")),
        "canonical": (first(raw, "canonicals"), first(rendered, "canonicals")),
        "meta_robots": (", ".join(raw["meta_robots"]), ", ".join(rendered["meta_robots"])),
        "link_count": (
            sum(1 for link in raw["links"] if link[0]),
            sum(1 for link in rendered["links"] if link[0]),
        ),
    }
    return [RenderDiff(name, a, b) for name, (a, b) in pairs.items() if a != b]


async def _close_when_done(
    workers: list[asyncio.Task[None]], out: asyncio.Queue
) -> list[BaseException]:
    """Wait for the workers, then end the record stream; returns the workers' failures."""
    results = await asyncio.gather(*workers, return_exceptions=True)
    await out.put(None)
    return [r for r in results if isinstance(r, BaseException)]


STOP_CHECK_EVERY_S = 1.0
"""How often a crawl asks its ``should_stop`` callable whether to stop."""


class CrawlStoppedError(RuntimeError):
    """The crawl was stopped before its end because ``should_stop`` gave this reason."""


def crawl_site(
    settings: CrawlSettings,
    on_page: Callable[[PageRecord], None] | None = None,
    should_stop: Callable[[], str | None] | None = None,
) -> SiteFacts:
    """Run a crawl to the end in a fresh event loop, calling ``on_page`` for each record.

    ``should_stop`` is asked every :data:`STOP_CHECK_EVERY_S` seconds; once it gives a reason the
    crawl is cancelled (pages in flight dropped, connections and browser closed) and
    :class:`CrawlStoppedError` raised with that reason.
    """
    crawler = SiteCrawler(settings)

    async def run() -> None:
        async for record in crawler.crawl():
            if on_page is not None:
                on_page(record)

    asyncio.run(_until_stopped(run(), should_stop))
    return crawler.facts


async def _until_stopped(
    crawl: Coroutine[Any, Any, None], should_stop: Callable[[], str | None] | None
) -> None:
    """Await ``crawl``, cancelling it when ``should_stop`` gives a reason."""
    if should_stop is None:
        await crawl
        return
    crawling = asyncio.create_task(crawl)
    watching = asyncio.create_task(_watch(should_stop))
    try:
        await asyncio.wait([crawling, watching], return_when=asyncio.FIRST_COMPLETED)
    finally:
        crawling.cancel()
        watching.cancel()
        await asyncio.gather(crawling, watching, return_exceptions=True)
    if not crawling.cancelled():  # it ended by itself: its outcome, error or not
        crawling.result()
        return
    raise CrawlStoppedError(watching.result())


async def _watch(should_stop: Callable[[], str | None]) -> str:
    """Ask ``should_stop`` every :data:`STOP_CHECK_EVERY_S` seconds; return its first reason."""
    while True:
        await asyncio.sleep(STOP_CHECK_EVERY_S)
        if reason := should_stop():
            return reason
