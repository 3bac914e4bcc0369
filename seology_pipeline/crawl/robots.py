"""robots.txt: fetched once before the crawl, its rules and what it says about AI crawlers."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from seology_pipeline.crawl.fetch import HttpFetcher
from seology_pipeline.crawl.records import SiteFacts

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
