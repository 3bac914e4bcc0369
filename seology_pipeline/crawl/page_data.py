"""The one shape both extractors produce: raw HTML (selectolax) and rendered DOM (in-page JS).

:class:`PageData` is what :func:`~seology_pipeline.crawl.extract.parse_html` returns and what
:data:`~seology_pipeline.crawl.extract.EXTRACT_JS` evaluates to; :data:`PAGE_DATA` validates it
(the tests hold both extractors to it). Only the raw extractor gives ``hints``; only the
rendered one ``title`` (``document.title``) and ``url`` (the document's final URL).
Entries are JSON arrays (lists; :data:`PAGE_DATA` reads them as the tuples below): pairs are
``[text, in_head]``; a link is ``[href, accessible name, rel, kind]`` where kind is
``""`` (a plain link), ``"button"`` (``role=button``), ``"click"`` (an ``onclick`` handler) or
``"target"`` (``<a name>``/``<a id>`` without href); an image is ``[src, alt, width, height]``.
"""

from typing import NotRequired

from pydantic import TypeAdapter
from typing_extensions import TypedDict

LINK_KINDS = ("", "button", "click", "target")


class Hints(TypedDict):
    """Raw-HTML signs that the page needs JavaScript (the rendered extractor has none)."""

    scripts: int
    js_redirect: bool
    empty_mount: bool
    noscript: str


class PageData(TypedDict):
    titles: list[tuple[str, bool]]
    meta_descriptions: list[tuple[str, bool]]
    meta_robots: list[str]
    canonicals: list[tuple[str, bool]]
    hreflang: list[tuple[str, str]]
    open_graph: dict[str, str]
    twitter: dict[str, str]
    json_ld: list[str]
    links: list[tuple[str | None, str, str, str]]
    images: list[tuple[str | None, str | None, str | None, str | None]]
    forms: list[str]
    resources: list[str]
    heading_levels: list[int]
    h1_texts: list[str]
    refresh: str | None
    viewport: str | None
    base: str | None
    lang: str | None
    text: str
    hints: NotRequired[Hints]
    title: NotRequired[str]
    url: NotRequired[str]


PAGE_DATA: TypeAdapter[PageData] = TypeAdapter(PageData)
