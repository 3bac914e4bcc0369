"""Rendering with Playwright: one Chromium, a bounded pool of reused pages.

Measured best setup: ``chromium-headless-shell``, a few reused pages, resource
blocking inside the browser rather than ``page.route`` (which turns the HTTP cache off), waiting
for ``load``, and one ``evaluate`` for all fields. Here each page has its own CDP session with the
``Fetch`` domain on: the page's main document is answered from the body the HTTP fetch already
has (one request per page to the site, and the browser renders exactly what was fetched), images
are off in Blink, other blocked resource types are failed by type, and when the network guard is
active every other request is checked by it first. Requests the Fetch domain never sees
(WebSockets, from pages and workers) go to a :class:`RefusingProxy`; WebRTC has no UDP path.
Each tab has its own renderer process, and a page that fails or overruns the page timeout has
its tab closed, so a hostile page fails alone.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import time
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import (
    Browser,
    BrowserContext,
    CDPSession,
    Page,
    Playwright,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError

from seology_pipeline.crawl.chromium import find_browser_executable
from seology_pipeline.crawl.extract import EXTRACT_JS, PageData
from seology_pipeline.crawl.guard import NetworkGuard
from seology_pipeline.crawl.refusing_proxy import RefusingProxy
from seology_pipeline.crawl.settings import CrawlSettings

BASE_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--disable-gpu",
    "--disable-software-rasterizer",
    # No spare renderer kept warm, GPU work in the browser process: two processes fewer.
    "--disable-features=BackForwardCache,SpareRendererForSitePerProcess",
    "--in-process-gpu",
    # No WebRTC traffic outside a proxy (there is none): its UDP would bypass the network guard.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    # A small young generation and V8's size-over-speed mode: the renderer peaked at ~215 MB
    # instead of ~390 MB over 1,000 pages, at about the same pages/s. A 512 MB heap limit makes
    # a page that eats memory crash its own renderer early. Each tab has its own renderer (no
    # process limit), so a page that never yields or crashes fails alone and is killed (its tab
    # closed) at the page timeout; sharing one renderer made its neighbours fail with it.
    "--js-flags=--max-semi-space-size=2 --optimize-for-size --max-old-space-size=512",
)
RESOURCE_TYPES = {
    "image": "Image",
    "font": "Font",
    "media": "Media",
    "stylesheet": "Stylesheet",
    "script": "Script",
    "xhr": "XHR",
    "fetch": "Fetch",
}
_HOP_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}
PAGE_REUSE = 200
# Restart browser and driver after this many renders: the driver and the renderer process grow
# by ~45 MB per 1,000 pages otherwise.
BROWSER_REUSE = 500
# Every this many renders, tell Chromium memory is short (it then frees caches and collects).
PRESSURE_EVERY = 25
CLOSE_TIMEOUT_S = 5.0


def launch_args(block_images: bool = True) -> list[str]:
    """Chromium flags: quiet, no background traffic; ``--no-sandbox`` when running as root."""
    args = list(BASE_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    if block_images:
        args.append("--blink-settings=imagesEnabled=false")
    return args


@dataclass
class Rendered:
    """What the browser saw: the extracted fields of the final document, and navigations."""

    data: PageData | None = None
    final_url: str | None = None
    status: int | None = None
    navigations: list[str] = field(default_factory=list)
    refused: str | None = None
    load_ms: float = 0.0
    error: str | None = None


@dataclass
class _Tab:
    page: Page
    cdp: CDPSession
    main_frame: str
    document: tuple[int, list[dict[str, str]], bytes] | None = None
    navigations: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)  # main-frame documents
    uses: int = 0


class Renderer:
    """A browser with ``settings.browser_pages`` reusable pages, started by the first render and
    closed after ``settings.browser_idle_s`` without one (started again when needed)."""

    def __init__(self, settings: CrawlSettings, guard: NetworkGuard) -> None:
        self.settings = settings
        self.guard = guard
        self.blocked_types = {RESOURCE_TYPES[t] for t in settings.block_resources}
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self.proxy = RefusingProxy()
        self._tabs: asyncio.Queue[_Tab | None] = asyncio.Queue()
        self._start_lock = asyncio.Lock()
        self._answering: set[asyncio.Future[None]] = set()
        self.pages_rendered = 0
        self.launches = 0
        self._renders = 0
        self._busy = 0
        self._last_used = time.monotonic()
        self._idle_watch: asyncio.Task[None] | None = None

    @property
    def started(self) -> bool:
        return self._browser is not None

    async def start(self) -> None:
        async with self._start_lock:
            if self._browser is None:
                await self._launch()

    async def _launch(self) -> None:
        executable = find_browser_executable(self.settings.browser_executable)
        await self.proxy.start()
        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=executable,
            args=launch_args("image" in self.settings.block_resources) + self.proxy.chromium_args(),
            timeout=60_000,
        )
        self._context = await self._browser.new_context(
            user_agent=self.settings.user_agent, service_workers="block"
        )
        self._renders = 0
        self.launches += 1
        for _ in range(self.settings.browser_pages):
            self._tabs.put_nowait(None)
        if self._idle_watch is None or self._idle_watch.done():
            self._idle_watch = asyncio.create_task(self._close_when_idle())

    async def _close_when_idle(self) -> None:
        idle_s = self.settings.browser_idle_s
        while self._browser is not None:
            await asyncio.sleep(max(0.05, idle_s - (time.monotonic() - self._last_used)))
            if self._busy or time.monotonic() - self._last_used < idle_s:
                continue
            async with self._start_lock:
                if not self._busy and self._browser is not None:
                    await self._stop()

    async def _recycle(self) -> None:
        """Restart browser and driver once every tab is idle, to bound their memory."""
        async with self._start_lock:
            if self._renders < BROWSER_REUSE:
                return
            for _ in range(self.settings.browser_pages):
                await self._tabs.get()
            await self._stop()
            await self._launch()

    async def close(self) -> None:
        """Close browser and driver (stopping the driver ends a browser that does not answer)."""
        if self._idle_watch is not None:
            self._idle_watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._idle_watch
        await self._stop()

    async def _stop(self) -> None:
        while not self._tabs.empty():  # every tab is idle here; the browser closes its pages
            self._tabs.get_nowait()
        if self._browser is not None:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                async with asyncio.timeout(10):
                    await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
        await self.proxy.close()
        self._browser = self._context = self._playwright = None

    async def render(
        self, url: str, status: int, headers: list[tuple[str, str]], body: bytes
    ) -> Rendered:
        """Render ``url`` from the HTTP response already fetched; never raises for page errors."""
        self._busy += 1
        try:
            return await self._render_counted(url, status, headers, body)
        finally:
            self._busy -= 1
            self._last_used = time.monotonic()

    async def _render_counted(
        self, url: str, status: int, headers: list[tuple[str, str]], body: bytes
    ) -> Rendered:
        if self._renders >= BROWSER_REUSE:
            await self._recycle()
        await self.start()
        tab = await self._tabs.get()
        started = time.perf_counter()
        timeout = self.settings.page_timeout_s
        try:
            async with asyncio.timeout(timeout):
                if tab is None or tab.uses >= PAGE_REUSE:
                    if tab is not None:
                        await _close_quietly(tab.page)
                    tab = await self._new_tab()
                tab.uses += 1
                result = await self._render(tab, url, status, headers, body)
                if result.error is None and (self._renders + 1) % PRESSURE_EVERY == 0:
                    await tab.cdp.send("Memory.simulatePressureNotification", {"level": "critical"})
        except TimeoutError:
            result = Rendered(error=f"browser: no answer within {timeout:g} s, page closed")
        except PlaywrightError as exc:
            result = Rendered(error=f"browser: {exc}".splitlines()[0])
        try:
            if result.error is not None:
                await self._discard(tab)
                tab = None
        finally:
            self._tabs.put_nowait(tab)
        result.load_ms = (time.perf_counter() - started) * 1000
        self.pages_rendered += 1
        self._renders += 1
        return result

    async def _discard(self, tab: _Tab | None) -> None:
        """Kill a tab whose page failed: stop its scripts and close it (ending its renderer).

        A browser that does not close the tab in time is restarted before the next render.
        """
        if tab is None:
            return
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_S):
                await _stop_scripts(tab)
                await _close_quietly(tab.page)
        except TimeoutError:
            self._renders = BROWSER_REUSE

    async def _new_tab(self) -> _Tab:
        assert self._context is not None
        page = await self._context.new_page()
        cdp = await self._context.new_cdp_session(page)
        tree = await cdp.send("Page.getFrameTree")
        tab = _Tab(page, cdp, tree["frameTree"]["frame"]["id"])
        if self.guard.active:
            patterns: list[dict[str, Any]] = [{"urlPattern": "*"}]
        else:
            types = ["Document", *sorted(self.blocked_types)]
            patterns = [{"urlPattern": "*", "resourceType": t} for t in types]
        patterns.append({"urlPattern": "*", "resourceType": "Document", "requestStage": "Response"})
        cdp.on("Fetch.requestPaused", lambda event: self._on_request(tab, event))
        await cdp.send("Fetch.enable", {"patterns": patterns})
        return tab

    def _on_request(self, tab: _Tab, event: dict[str, Any]) -> None:
        task = asyncio.ensure_future(self._answer(tab, event))
        self._answering.add(task)
        task.add_done_callback(self._answering.discard)

    async def _answer(self, tab: _Tab, event: dict[str, Any]) -> None:
        request_id = event["requestId"]
        url = event["request"]["url"]
        kind = event.get("resourceType")
        main_document = kind == "Document" and event.get("frameId") == tab.main_frame
        try:
            if "responseStatusCode" in event:  # a document's response, seen to note its status
                if main_document:
                    tab.statuses[url] = event["responseStatusCode"]
                await tab.cdp.send("Fetch.continueRequest", {"requestId": request_id})
                return
            if kind in self.blocked_types:
                await tab.cdp.send(
                    "Fetch.failRequest", {"requestId": request_id, "errorReason": "BlockedByClient"}
                )
                return
            if main_document and tab.document is not None:
                status, headers, body = tab.document
                tab.document = None
                await tab.cdp.send(
                    "Fetch.fulfillRequest",
                    {
                        "requestId": request_id,
                        "responseCode": status,
                        "responseHeaders": headers,
                        "body": base64.b64encode(body).decode("ascii"),
                    },
                )
                return
            if main_document:
                tab.navigations.append(url)
            if self.guard.active and url.startswith(("http:", "https:")):
                try:
                    await self.guard.check(url)
                except (ValueError, OSError):
                    if main_document:
                        tab.refused.append(url)
                    await tab.cdp.send(
                        "Fetch.failRequest",
                        {"requestId": request_id, "errorReason": "AddressUnreachable"},
                    )
                    return
            await tab.cdp.send("Fetch.continueRequest", {"requestId": request_id})
        except PlaywrightError:
            return  # the page went away (navigation, close); nothing to answer

    async def _render(
        self, tab: _Tab, url: str, status: int, headers: list[tuple[str, str]], body: bytes
    ) -> Rendered:
        kept = [{"name": k, "value": v} for k, v in headers if k.lower() not in _HOP_HEADERS]
        tab.document = (status, kept, body)
        tab.navigations.clear()
        tab.refused.clear()
        tab.statuses.clear()
        page = tab.page
        timeout_ms = self.settings.page_timeout_s * 1000
        result = Rendered()
        try:
            try:
                await page.goto(url, wait_until="load", timeout=timeout_ms)
            except PlaywrightError as exc:
                if not tab.navigations:
                    result.error = f"render: {exc}".splitlines()[0]
                    return result
                await page.wait_for_load_state("load", timeout=timeout_ms)
            result.data = await self._extract(page, timeout_ms)
            if not result.data["title"] and self.settings.render_wait_ms:
                await page.wait_for_timeout(self.settings.render_wait_ms)
                result.data = await self._extract(page, timeout_ms)
        except PlaywrightError as exc:
            result.error = f"render: {exc}".splitlines()[0]
        finally:
            tab.document = None
        result.navigations = list(tab.navigations)
        result.refused = tab.refused[0] if tab.refused else None
        if result.data is not None:
            result.final_url = result.data["url"]
            result.status = tab.statuses.get(result.final_url)
        return result

    async def _extract(self, page: Page, timeout_ms: float) -> PageData:
        for attempt in range(3):
            try:
                return await page.evaluate(EXTRACT_JS)
            except PlaywrightError as exc:
                if attempt == 2 or "context was destroyed" not in str(exc):
                    raise
                await page.wait_for_load_state("load", timeout=timeout_ms)
        raise AssertionError("unreachable")


async def _stop_scripts(tab: _Tab) -> None:
    """Interrupt a script that never yields, so that its page can be closed at once."""
    with contextlib.suppress(PlaywrightError):
        await tab.cdp.send("Runtime.terminateExecution")


async def _close_quietly(page: Page) -> None:
    with contextlib.suppress(PlaywrightError):
        await page.close()
