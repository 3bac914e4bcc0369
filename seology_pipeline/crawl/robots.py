"""Site facts gathered before the crawl: robots.txt, sitemaps and the root's HTTPS behaviour."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zlib
from collections import deque
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from seology_pipeline.crawl.fetch import HttpFetcher
from seology_pipeline.crawl.records import SiteFacts
from seology_pipeline.crawl.urls import normalise

AI_BOTS = (
    "GPTBot",
    "ChatGPT-User",
    "OAI-SearchBot",
    "ClaudeBot",
    "Claude-Web",
    "anthropic-ai",
    "Google-Extended",
    "PerplexityBot",
    "CCBot",
    "Bytespider",
    "Applebot-Extended",
    "meta-externalagent",
)
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
MAX_SITEMAP_FILES = 100


def origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


async def load_robots(fetcher: HttpFetcher, root: str, facts: SiteFacts) -> Protego | None:
    """Fetch and parse ``/robots.txt`` of the root's origin; record what happened in ``facts``.

    Returns None when there is no usable file (4xx: everything allowed). A 5xx or unreachable
    robots.txt is recorded in ``facts.robots_error`` and the crawl goes on as if all is allowed.
    """
    facts.robots_url = origin(root) + "robots.txt"
    fetched = await fetcher.fetch(facts.robots_url, any_body=True, max_bytes=512 * 1024)
    facts.robots_status = fetched.status
    if fetched.error_kind is not None:
        facts.robots_error = f"{fetched.error_kind.value}: {fetched.error}"
        return None
    if fetched.status is None or fetched.status >= 500:
        facts.robots_error = f"robots.txt answered HTTP {fetched.status}"
        return None
    if fetched.status >= 400 or fetched.body is None:
        return None
    robots = Protego.parse(fetched.body.decode("utf-8", errors="replace"))
    user_agent = fetcher.settings.user_agent
    facts.robots_disallows_all = not robots.can_fetch(origin(root), user_agent)
    delay = robots.crawl_delay(user_agent)
    facts.crawl_delay = float(delay) if delay is not None else None
    facts.ai_bots_blocked = [bot for bot in AI_BOTS if not robots.can_fetch(origin(root), bot)]
    return robots


async def load_sitemaps(
    fetcher: HttpFetcher, root: str, robots: Protego | None, facts: SiteFacts
) -> set[str]:
    """Read the sitemaps named in robots.txt and ``/sitemap.xml`` (index files and gzip too).

    Returns the normalised page URLs (at most ``max_sitemap_urls``); ``facts`` gets the sitemap
    files read, the errors, the page URL count and the page list.
    """
    declared = list(robots.sitemaps) if robots is not None else []
    default = origin(root) + "sitemap.xml"
    queue = deque((url, True) for url in declared)
    if default not in declared:
        queue.append((default, False))
    done: set[str] = set()
    pages: set[str] = set()
    cap = fetcher.settings.max_sitemap_urls
    strip = fetcher.settings.strip_query_params
    while queue and len(done) < MAX_SITEMAP_FILES:
        url, must_exist = queue.popleft()
        if url in done:
            continue
        done.add(url)
        fetched = await fetcher.fetch(url, any_body=True, max_bytes=MAX_SITEMAP_BYTES)
        if fetched.error_kind is not None or fetched.status != 200 or fetched.body is None:
            if must_exist or (fetched.status is not None and fetched.status != 404):
                reason = fetched.error or f"HTTP {fetched.status}"
                facts.sitemap_errors.append(f"{url}: {reason}")
            continue
        try:
            children, locs = parse_sitemap(fetched.body)
        except (ET.ParseError, zlib.error, ValueError) as exc:
            facts.sitemap_errors.append(f"{url}: not a sitemap ({exc})")
            continue
        facts.sitemap_urls.append(url)
        queue.extend((child, True) for child in children)
        for loc in locs:
            facts.sitemap_url_count += 1
            page = normalise(loc, url, strip)
            if page and len(pages) < cap:
                pages.add(page)
    facts.sitemap_pages = sorted(pages)
    return pages


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
