"""URL normalisation and crawl scope.

Normalisation resolves relative URLs, drops the fragment, lower-cases scheme and host, removes the
default port and the configured tracking parameters, and percent-encodes what must be encoded. It
keeps path case and trailing slashes: ``/Page`` vs ``/page`` and ``/a`` vs ``/a/`` are duplicate
content findings for the audit, so the crawler must see them as different URLs.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import SplitResult, quote, urljoin, urlsplit, urlunsplit

from seology_pipeline.crawl.settings import CrawlSettings

_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/%:@!$&'()*+,;=-._~?"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise(url: str, base: str | None = None, strip_params: Iterable[str] = ()) -> str | None:
    """Absolute, normalised form of ``url`` (resolved against ``base``), or None if not http(s)."""
    url = url.strip()
    if base is not None:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        host = parts.hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(parts.path, safe=_PATH_SAFE) or "/"
    query = _strip_query(parts.query, tuple(strip_params))
    return urlunsplit(SplitResult(scheme, netloc, path, quote(query, safe=_QUERY_SAFE), ""))


def _strip_query(query: str, strip_params: tuple[str, ...]) -> str:
    if not query or not strip_params:
        return query
    kept = [pair for pair in query.split("&") if not _matches(pair.split("=", 1)[0], strip_params)]
    return "&".join(kept)


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    name = name.lower()
    return any(
        name.startswith(p[:-1].lower()) if p.endswith("*") else name == p.lower() for p in patterns
    )


def site_hosts(root_url: str, include_www: bool) -> frozenset[str]:
    """The host names that make up the site of ``root_url``."""
    host = (urlsplit(root_url).hostname or "").lower()
    hosts = {host}
    if include_www and not _is_ip(host):
        hosts.add(host[4:] if host.startswith("www.") else f"www.{host}")
    return frozenset(hosts)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class Scope:
    """Decides which normalised URLs belong to the crawl, and counts the ones it turns away."""

    def __init__(self, settings: CrawlSettings) -> None:
        self.settings = settings
        self.hosts = site_hosts(settings.root_url, settings.include_www)
        self.root_port = urlsplit(settings.root_url).port
        self._include = [re.compile(p) for p in settings.include_patterns]
        self._exclude = [re.compile(p) for p in settings.exclude_patterns]
        self._query_variants: dict[str, int] = defaultdict(int)
        self.skipped: dict[str, int] = defaultdict(int)

    def is_internal(self, url: str) -> bool:
        parts = urlsplit(url)
        return (parts.hostname or "") in self.hosts and parts.port == self.root_port

    def admit(self, url: str) -> bool:
        """True when an internal URL should be crawled; counts the reason when not."""
        reason = self._refusal(url)
        if reason:
            self.skipped[reason] += 1
            return False
        return True

    def _refusal(self, url: str) -> str | None:
        s = self.settings
        if len(url) > s.max_url_length:
            return "url_too_long"
        if self._include and not any(p.search(url) for p in self._include):
            return "not_included"
        if any(p.search(url) for p in self._exclude):
            return "excluded"
        parts = urlsplit(url)
        segments = [seg for seg in parts.path.split("/") if seg]
        if segments and max(segments.count(seg) for seg in set(segments)) > (
            s.max_repeated_segments
        ):
            return "repeated_segments"
        if parts.query:
            key = f"{parts.netloc}{parts.path}"
            if self._query_variants[key] >= s.max_query_variants:
                return "query_variants"
            self._query_variants[key] += 1
        return None
