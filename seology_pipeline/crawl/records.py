"""What the crawler produces: one :class:`PageRecord` per URL and one :class:`SiteFacts` per crawl.

These plain dataclasses are the contract between the crawler, the audit, the database (stored as
JSON in ``pages.record`` / ``crawls.site_facts``) and the pipeline. They carry measured values only;
judgements belong to the audit.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from dataclasses import dataclass, field
from typing import Any

UNLINKED_DEPTH = -1
"""The depth of a URL reached only through a sitemap or a canonical, not through links."""


class ErrorKind(enum.StrEnum):
    """Why a URL produced no usable page."""

    TIMEOUT = "timeout"
    DNS = "dns"
    TLS = "tls"
    CONNECTION = "connection"
    NON_HTML = "non_html"
    TOO_BIG = "too_big"
    BLOCKED_BY_ROBOTS = "blocked_by_robots"
    NETWORK_GUARD = "network_guard"
    REDIRECT_LOOP = "redirect_loop"
    BROWSER = "browser"
    OTHER = "other"


class HopKind(enum.StrEnum):
    HTTP = "http"
    META_REFRESH = "meta_refresh"
    JAVASCRIPT = "javascript"


@dataclass(slots=True)
class RedirectHop:
    """One step of a redirect chain: ``url`` answered ``status`` and sent us on (by ``kind``)."""

    url: str
    status: int | None
    kind: HopKind = HopKind.HTTP


@dataclass(slots=True)
class TagText:
    """A ``<title>``, meta description or canonical: its text and whether it sat in ``<head>``."""

    text: str
    in_head: bool = True


@dataclass(slots=True)
class LinkRecord:
    """An ``<a>`` on the page. ``url`` is resolved and normalised (None when not crawlable);
    ``anchor`` is its accessible name; ``kind`` is ``""``, ``"button"`` (``role=button``),
    ``"click"`` (an ``onclick`` handler) or ``"target"`` (``<a name>`` without href)."""

    href: str | None
    url: str | None
    anchor: str = ""
    rel: str = ""
    internal: bool = True
    crawlable: bool = True
    kind: str = ""


@dataclass(slots=True)
class ImageRecord:
    url: str | None
    alt: str | None = None
    width: str | None = None
    height: str | None = None
    size_bytes: int | None = None


@dataclass(slots=True)
class Hreflang:
    """An hreflang alternate: ``url`` resolved, ``href`` as written (empty on old records)."""

    lang: str
    url: str
    href: str = ""


@dataclass(slots=True)
class JsonLdBlock:
    """One ``application/ld+json`` script: parsed ``data`` or the parse ``error``."""

    types: list[str] = field(default_factory=list)
    data: Any = None
    error: str | None = None


@dataclass(slots=True)
class RenderDiff:
    """A field on which the raw HTML and the rendered DOM disagree."""

    field: str
    raw: Any
    rendered: Any


@dataclass(slots=True)
class PageRecord:
    """Everything measured about one URL of one crawl."""

    url: str
    depth: int = 0
    found_on: str | None = None
    final_url: str | None = None
    status: int | None = None
    redirect_chain: list[RedirectHop] = field(default_factory=list)
    redirect_loop: bool = False
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    http_version: str | None = None
    """Protocol of the final answer, as httpx names it: ``HTTP/1.1``, ``HTTP/2``."""
    ttfb_ms: float | None = None
    ttfb_samples_ms: list[float] = field(default_factory=list)
    load_ms: float | None = None
    size_bytes: int | None = None
    rendered: bool = False
    titles: list[TagText] = field(default_factory=list)
    meta_descriptions: list[TagText] = field(default_factory=list)
    meta_robots: list[str] = field(default_factory=list)
    canonicals: list[TagText] = field(default_factory=list)
    canonical_href: str | None = None
    header_canonical: str | None = None
    heading_counts: dict[str, int] = field(default_factory=dict)
    heading_levels: list[int] = field(default_factory=list)
    h1_texts: list[str] = field(default_factory=list)
    lang: str | None = None
    viewport: str | None = None
    hreflang: list[Hreflang] = field(default_factory=list)
    open_graph: dict[str, str] = field(default_factory=dict)
    twitter: dict[str, str] = field(default_factory=dict)
    json_ld: list[JsonLdBlock] = field(default_factory=list)
    word_count: int = 0
    content_hash: str | None = None
    simhash: int | None = None
    links: list[LinkRecord] = field(default_factory=list)
    images: list[ImageRecord] = field(default_factory=list)
    form_actions: list[str] = field(default_factory=list)
    insecure_resources: list[str] = field(default_factory=list)
    in_sitemap: bool = False
    render_diffs: list[RenderDiff] = field(default_factory=list)
    error_kind: ErrorKind | None = None
    error: str | None = None

    @property
    def is_html(self) -> bool:
        return bool(self.content_type and "html" in self.content_type.lower())

    @property
    def title(self) -> str | None:
        return self.titles[0].text if self.titles else None

    @property
    def meta_description(self) -> str | None:
        return self.meta_descriptions[0].text if self.meta_descriptions else None

    @property
    def canonical(self) -> str | None:
        """The first HTML canonical, else the ``Link`` header canonical."""
        return self.canonicals[0].text if self.canonicals else self.header_canonical

    @property
    def robots_directives(self) -> set[str]:
        """Lower-cased directives from meta robots and ``X-Robots-Tag`` together."""
        values = [*self.meta_robots, self.headers.get("x-robots-tag", "")]
        return {d.strip().lower() for v in values for d in v.split(",") if d.strip()}

    @property
    def noindex(self) -> bool:
        return bool({"noindex", "none"} & self.robots_directives)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (enums become strings), sharing nothing mutable with the record."""
        return _jsonable(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PageRecord:
        """Inverse of :meth:`to_dict`; unknown keys are ignored so old rows still load."""
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        nested = {
            "redirect_chain": RedirectHop,
            "titles": TagText,
            "meta_descriptions": TagText,
            "canonicals": TagText,
            "hreflang": Hreflang,
            "json_ld": JsonLdBlock,
            "links": LinkRecord,
            "images": ImageRecord,
            "render_diffs": RenderDiff,
        }
        for name, item_cls in nested.items():
            if name in values:
                values[name] = [item_cls(**item) for item in values[name] or []]
        for hop in values.get("redirect_chain", []):
            hop.kind = HopKind(hop.kind)
        if values.get("error_kind"):
            values["error_kind"] = ErrorKind(values["error_kind"])
        return cls(**values)


@dataclass(slots=True)
class SiteFacts:
    """Site-level facts gathered around the crawl (robots.txt, sitemaps, HTTPS)."""

    root_url: str
    final_root_url: str | None = None
    robots_url: str | None = None
    robots_status: int | None = None
    robots_error: str | None = None
    robots_disallows_all: bool = False
    crawl_delay: float | None = None
    ai_bots_blocked: list[str] = field(default_factory=list)
    sitemap_urls: list[str] = field(default_factory=list)
    sitemap_errors: list[str] = field(default_factory=list)
    sitemap_url_count: int = 0
    sitemap_pages: list[str] = field(default_factory=list)
    uses_https: bool = False
    http_redirects_to_https: bool | None = None
    pages_crawled: int = 0
    pages_blocked: int = 0
    stopped_reason: str | None = None
    duration_s: float | None = None
    pages_rendered: int = 0
    skipped_urls: dict[str, int] = field(default_factory=dict)
    retries: int = 0
    unrecovered_urls: dict[str, int] = field(default_factory=dict)  # URL -> last 429/503
    host_slowdowns: int = 0
    politeness_wait_s: float = 0.0
    urls_left: dict[str, int] = field(default_factory=dict)
    sitemap_only_urls: int = 0
    sitemap_hygiene: dict[str, int] = field(default_factory=dict)
    canonical_targets_checked: int = 0

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteFacts:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass type; None for any other type."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _jsonable(value: Any) -> Any:
    """Dataclasses as dicts, enums as their values, containers copied; ``dataclasses.asdict``
    plus the enum conversion, without its deep copies. Scalars (most of a page record's values)
    are told apart by exact type and not recursed into: a record's links and images make a few
    hundred thousand values on a 500-page crawl."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list or kind is tuple:
        return [v if type(v) in _SCALARS else _jsonable(v) for v in value]
    names = _field_names(kind)
    if names is not None:
        return {n: v if type(v := getattr(value, n)) in _SCALARS else _jsonable(v) for n in names}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {k: v if type(v) in _SCALARS else _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _jsonable(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
