"""Rendering with Playwright: one Chromium, a bounded pool of reused pages.

Measured best setup: ``chromium-headless-shell``, a few reused pages, resource
blocking inside the browser rather than ``page.route`` (which turns the HTTP cache off), waiting
for ``load``, and one ``evaluate`` for all fields. Here each page has its own CDP session with the
``Fetch`` domain on: the page's main document is answered from the body the HTTP fetch already
has (one request per page to the site, and the browser renders exactly what was fetched), images
are off in Blink, other blocked resource types are failed by type, and when the network guard is
active every other request is checked by it first.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import glob
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
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

from seology_pipeline.crawl.extract import EXTRACT_JS, PageData
from seology_pipeline.crawl.guard import NetworkGuard
from seology_pipeline.crawl.settings import CrawlSettings

INSTALL_HELP = (
    "no Chromium found. Install one with `playwright install chromium` (after `pip install "
    "playwright`), or `apt-get install chromium` (Debian/Ubuntu; `chromium-headless-shell` is "
    "lighter), or set SEOLOGY_CRAWL_BROWSER to the path of a Chromium executable."
)
PATH_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser")
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
    "--disable-features=BackForwardCache",
    # One renderer process for all tabs: measured 920 MB instead of 1.6 GB (RSS of the whole
    # tree) for 4 tabs, at 12 instead of 13.5 pages/s. The price: a page whose script never
    # yields stalls the other tabs until it times out, and their renders fail with it (their
    # records keep the raw HTML fields).
    "--renderer-process-limit=1",
    # A small young generation and V8's size-over-speed mode: the renderer peaked at ~215 MB
    # instead of ~390 MB over 1,000 pages, at about the same pages/s.
    "--js-flags=--max-semi-space-size=2 --optimize-for-size",
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


class BrowserNotFoundError(RuntimeError):
    """No usable Chromium; the message says how to install one."""


def find_browser_executable(setting: str | None) -> str:
    """The Chromium to launch: ``setting`` (a path or a name on PATH), else Playwright's own
    Chromium, else ``chromium-headless-shell`` / ``chromium`` on PATH."""
    if setting:
        found = setting if os.sep in setting else shutil.which(setting)
        if found and os.path.isfile(found) and os.access(found, os.X_OK):
            return found
        raise BrowserNotFoundError(f"browser executable {setting!r} not found; {INSTALL_HELP}")
    for candidate in _playwright_chromiums():
        return candidate
    for name in PATH_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserNotFoundError(INSTALL_HELP)


def _playwright_chromiums() -> list[str]:
    """Executables of Playwright-managed Chromium builds, headless shell first, newest first."""
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache/ms-playwright")
    patterns = (
        "chromium_headless_shell-*/chrome-*/chrome-headless-shell",
        "chromium_headless_shell-*/chrome-*/headless_shell",
        "chromium-*/chrome-linux*/chrome",
    )
    found: list[str] = []
    for pattern in patterns:
        matches = sorted(glob.glob(os.path.join(root, pattern)), reverse=True)
        found.extend(m for m in matches if os.access(m, os.X_OK))
    return found


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
    """A lazily started browser with ``settings.browser_pages`` reusable pages."""

    def __init__(self, settings: CrawlSettings, guard: NetworkGuard) -> None:
        self.settings = settings
        self.guard = guard
        self.blocked_types = {RESOURCE_TYPES[t] for t in settings.block_resources}
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._tabs: asyncio.Queue[_Tab | None] = asyncio.Queue()
        self._start_lock = asyncio.Lock()
        self._answering: set[asyncio.Future[None]] = set()
        self.pages_rendered = 0
        self._renders = 0

    @property
    def started(self) -> bool:
        return self._browser is not None

    async def start(self) -> None:
        async with self._start_lock:
            if self._browser is None:
                await self._launch()

    async def _launch(self) -> None:
        executable = find_browser_executable(self.settings.browser_executable)
        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=executable,
            args=launch_args("image" in self.settings.block_resources),
            timeout=60_000,
        )
        self._context = await self._browser.new_context(
            user_agent=self.settings.user_agent, service_workers="block"
        )
        self._renders = 0
        for _ in range(self.settings.browser_pages):
            self._tabs.put_nowait(None)

    async def _recycle(self) -> None:
        """Restart browser and driver once every tab is idle, to bound their memory."""
        async with self._start_lock:
            if self._renders < BROWSER_REUSE:
                return
            for _ in range(self.settings.browser_pages):
                await self._tabs.get()
            await self.close()
            await self._launch()

    async def close(self) -> None:
        """Close browser and driver (stopping the driver ends a browser that does not answer)."""
        if self._browser is not None:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                async with asyncio.timeout(10):
                    await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
        self._browser = self._context = self._playwright = None

    async def render(
        self, url: str, status: int, headers: list[tuple[str, str]], body: bytes
    ) -> Rendered:
        """Render ``url`` from the HTTP response already fetched; never raises for page errors."""
        if self._renders >= BROWSER_REUSE:
            await self._recycle()
        await self.start()
        tab = await self._tabs.get()
        deadline = self.settings.page_timeout_s * 2 + 5
        try:
            async with asyncio.timeout(deadline):
                if tab is None or tab.uses >= PAGE_REUSE:
                    if tab is not None:
                        await _close_quietly(tab.page)
                    tab = await self._new_tab()
                tab.uses += 1
                result = await self._render(tab, url, status, headers, body)
                if result.error is not None:
                    await _stop_scripts(tab)
                    await _close_quietly(tab.page)
                    tab = None
                elif (self._renders + 1) % PRESSURE_EVERY == 0:
                    await tab.cdp.send("Memory.simulatePressureNotification", {"level": "critical"})
        except TimeoutError:
            # The renderer stopped answering (a script that never yields): restart the browser.
            tab = None
            self._renders = BROWSER_REUSE
            result = Rendered(error=f"browser: no answer within {deadline:g} s")
        except PlaywrightError as exc:
            if tab is not None:
                await _close_quietly(tab.page)
            tab = None
            result = Rendered(error=f"browser: {exc}".splitlines()[0])
        finally:
            self._tabs.put_nowait(tab)
        self.pages_rendered += 1
        self._renders += 1
        return result

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
        started = time.perf_counter()
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
        result.load_ms = (time.perf_counter() - started) * 1000
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
    """Interrupt a script that never yields; tabs share one renderer, so it would stall them all."""
    with contextlib.suppress(PlaywrightError):
        await tab.cdp.send("Runtime.terminateExecution")


async def _close_quietly(page: Page) -> None:
    with contextlib.suppress(PlaywrightError):
        await page.close()
