"""Plain HTTP fetching, one redirect hop at a time, through the network guard and the host gate.

Each hop is checked by the guard before it is requested, so a redirect to an internal address is
refused, not followed. Bodies are streamed and cut at the byte limit. Every answer is reported to
the host gate (which adapts the host's pace); retrying a 429/503 is the crawler's business.
"""

from __future__ import annotations

import asyncio
import codecs
import re
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import certifi
import httpx

from seology_pipeline.crawl.guard import HostResolutionError, NetworkGuard, NetworkGuardError
from seology_pipeline.crawl.politeness import HostGate
from seology_pipeline.crawl.records import ErrorKind, HopKind, RedirectHop
from seology_pipeline.crawl.settings import CrawlSettings

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_DNS_MARKERS = ("name or service", "nodename nor servname", "name resolution", "getaddrinfo")


@dataclass
class Fetched:
    """The outcome of fetching one URL with its redirects."""

    url: str
    final_url: str
    status: int | None = None
    chain: list[RedirectHop] = field(default_factory=list)
    loop: bool = False
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes | None = None
    size_bytes: int | None = None
    ttfb_ms: float | None = None
    http_version: str | None = None
    elapsed_ms: float = 0.0
    error_kind: ErrorKind | None = None
    error: str | None = None

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def is_html(self) -> bool:
        kind = (self.content_type or "").lower()
        if kind:
            return "html" in kind
        head = (self.body or b"")[:512].lstrip().lower()
        return head.startswith((b"<!doctype html", b"<html"))


def tls_context(ca_bundle: str | None) -> ssl.SSLContext | bool:
    """Certificate verification: httpx's default (certifi's authorities), plus those of
    ``ca_bundle`` when set."""
    if ca_bundle is None:
        return True
    context = ssl.create_default_context(cafile=certifi.where())
    context.load_verify_locations(cafile=ca_bundle)
    return context


class HttpFetcher:
    """An HTTP client for one crawl (shared connection pool, HTTP/2 where offered, cookies off)."""

    def __init__(self, settings: CrawlSettings, guard: NetworkGuard, gate: HostGate) -> None:
        self.settings = settings
        self.guard = guard
        self.gate = gate
        self.client = httpx.AsyncClient(
            http2=True,  # where the server offers it (ALPN); HTTP/1.1 keep-alive otherwise
            verify=tls_context(settings.ca_bundle),
            follow_redirects=False,
            timeout=httpx.Timeout(settings.page_timeout_s),
            headers={"User-Agent": settings.user_agent, "Accept": ACCEPT},
            limits=httpx.Limits(
                max_connections=min(settings.concurrency, 8), max_keepalive_connections=8
            ),
            cookies=None,
            trust_env=False,
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def fetch(
        self,
        url: str,
        follow: Callable[[str], bool] = lambda _: True,
        max_bytes: int | None = None,
        any_body: bool = False,
        chain: list[RedirectHop] | None = None,
    ) -> Fetched:
        """GET ``url``, following redirects while ``follow(next_url)`` is true.

        The body is kept for HTML responses (or any response with ``any_body``), up to
        ``max_bytes`` (default: the max page bytes setting). ``chain`` continues an existing
        redirect chain (for meta refresh hops), for loop detection.
        """
        limit = max_bytes or self.settings.max_page_bytes
        result = Fetched(url=url, final_url=url, chain=list(chain or []))
        visited = {hop.url for hop in result.chain}
        started = time.perf_counter()
        current = url
        try:
            while True:
                await self.guard.check(current)
                host = urlsplit(current).netloc
                async with self.gate.slot(host):
                    sent = time.perf_counter()
                    try:
                        async with asyncio.timeout(self.settings.page_timeout_s):
                            location = await self._request(current, result, limit, any_body)
                    finally:
                        await self.gate.observe(host, result.status, time.perf_counter() - sent)
                if location is None:
                    break
                result.chain.append(RedirectHop(current, result.status, HopKind.HTTP))
                visited.add(current)
                result.final_url = location
                if location in visited:
                    result.loop = True
                    result.error_kind = ErrorKind.REDIRECT_LOOP
                    result.error = f"redirect loop back to {location}"
                    break
                if len(result.chain) > self.settings.max_redirects:
                    result.error_kind = ErrorKind.OTHER
                    result.error = f"more than {self.settings.max_redirects} redirects"
                    break
                if not follow(location):
                    await self.guard.check(location)  # record a refused target even unfollowed
                    break
                current = location
        except TimeoutError:
            result.error_kind, result.error = (
                ErrorKind.TIMEOUT,
                f"no answer within {self.settings.page_timeout_s:g} s",
            )
        except NetworkGuardError as exc:
            result.error_kind, result.error = ErrorKind.NETWORK_GUARD, str(exc)
        except HostResolutionError as exc:
            result.error_kind, result.error = ErrorKind.DNS, str(exc)
        except httpx.HTTPError as exc:
            result.error_kind, result.error = classify(exc), f"{type(exc).__name__}: {exc}"
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        return result

    async def _request(self, url: str, result: Fetched, limit: int, any_body: bool) -> str | None:
        """One request; returns the redirect target, or None when the answer is final."""
        sent = time.perf_counter()
        async with self.client.stream("GET", url) as response:
            result.ttfb_ms = (time.perf_counter() - sent) * 1000
            result.status = response.status_code
            result.http_version = response.http_version
            result.headers = response.headers
            result.body = None
            result.size_bytes = None
            location = response.headers.get("location")
            if response.status_code in REDIRECT_STATUSES and location:
                return urljoin(url, location.strip()).split("#", 1)[0]
            declared = _int(response.headers.get("content-length"))
            # keep HTML bodies, and bodies without a content type (sniffed after reading)
            keep = any_body or result.is_html or "content-type" not in response.headers
            if declared is not None and declared > limit and keep:
                result.size_bytes = declared
                result.error_kind, result.error = ErrorKind.TOO_BIG, f"{declared} bytes > {limit}"
                return None
            if not keep and declared is not None:
                result.size_bytes = declared
                return None
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit and not keep:  # a large download we do not parse: size unknown
                    return None
                if size > limit:
                    result.size_bytes = size
                    result.error_kind = ErrorKind.TOO_BIG
                    result.error = f"more than {limit} bytes"
                    return None
                if keep:
                    chunks.append(chunk)
            result.size_bytes = size
            result.body = b"".join(chunks) if keep else None
        return None


def classify(exc: BaseException) -> ErrorKind:
    """The error kind of an HTTP client exception."""
    if isinstance(exc, httpx.TimeoutException):
        return ErrorKind.TIMEOUT
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return ErrorKind.TLS
        cause = cause.__cause__ or cause.__context__
    text = str(exc).lower()
    if "ssl" in text or "certificate" in text:
        return ErrorKind.TLS
    if any(marker in text for marker in _DNS_MARKERS):
        return ErrorKind.DNS
    if isinstance(exc, httpx.TransportError):
        return ErrorKind.CONNECTION
    return ErrorKind.OTHER


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode HTML: the header charset, else a ``<meta>`` charset, else UTF-8, else cp1252."""
    candidates = []
    match = re.search(r"charset\s*=\s*[\"']?([\w-]+)", content_type or "", re.IGNORECASE)
    if match:
        candidates.append(match.group(1))
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    for name in candidates:
        try:
            codecs.lookup(name)
        except LookupError:
            continue
        return body.decode(name, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
