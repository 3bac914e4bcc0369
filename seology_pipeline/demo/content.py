"""The demo site as data: Cedar Hollow Bakery, a fictional two-shop bakery, with real SEO problems.

The pages are in ``content.yaml`` (one entry per page: head fields and the body as HTML); the
layout is in ``templates/``; :mod:`seology_pipeline.demo.generate` renders both at demo time.

Planted problems (what the audit should find), by page:

- every page: plain HTTP, no security headers; nav links to ``/specials/`` (a 301 → 302 → 200
  redirect chain) and ``/gift-cards/`` (answers 500); footer links to ``/admin/login/``, which
  robots.txt disallows; robots.txt blocks GPTBot.
- ``/`` hreflang to ``/fr/`` with an invalid code (``en-UK``), no ``x-default``; ``/fr/`` does
  not link back (return link missing).
- titles: ``/menu/breads/`` and ``/menu/pastries/`` share one; ``/catering/weddings/`` and
  ``/blog/our-new-riverside-shop/`` are too long; ``/blog/why-we-use-heritage-grains/`` is empty;
  ``/accessibility/`` is too short.
- descriptions: missing on ``/about/history/``, ``/privacy/``, ``/terms/``; too long on
  ``/catering/corporate/``; duplicated on the two market/rye posts and on ``/wholesale/``.
- headings: no h1 on ``/locations/riverside/``; two h1 on ``/classes/kids-baking/``; h1 → h4 on
  ``/locations/old-town/``.
- links: ``/blog/how-to-feed-a-sourdough-starter/`` → 404; ``/menu/seasonal/`` and
  ``/blog/gluten-free-baking-at-home/`` → 410 ``/menu/gluten-free/``; ``/old-menu/`` redirects;
  a nofollow internal link and an image link without alt (empty anchor).
- content: ``/menu/sourdough/`` and ``/menu/sourdough-loaf/`` are duplicates without canonical;
  ``/blog/holiday-hours-2024/`` and ``/accessibility/`` are thin; ``/order/`` shows its content
  only after JavaScript runs.
- indexability: ``/thank-you/`` is noindex but in the sitemap and linked; canonical missing on
  ``/privacy/``, ``/terms/`` and the sourdough pair; relative canonical on the croissant post;
  canonical to a 404 on the autumn menu post; the sitemap lists a redirect and a 410.
- ``/events/summer-fair-2023/`` is in the sitemap but linked from nowhere (orphan).
- structured data: broken JSON-LD on ``/classes/sourdough-101/``; an Event missing fields on
  ``/classes/``.
- images without alt on ``/menu/coffee/`` and ``/blog/behind-the-scenes-4am/``; an http:// image
  (mixed content once the site moves to HTTPS) on ``/catering/``; an http:// form on ``/contact/``.
- ``/blog/meet-our-head-baker/`` lacks the viewport and lang; ``/catering/quote/`` is slow.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_FILE = Path(__file__).resolve().parent / "content.yaml"


@dataclass(frozen=True, slots=True)
class DemoPage:
    """One HTML page. ``canonical``: ``"self"``, ``None`` (missing) or a literal href."""

    path: str
    title: str | None
    description: str | None
    h1: str | None
    body: str
    canonical: str | None = "self"
    robots: str | None = None
    lang: str | None = "en"
    viewport: bool = True
    hreflang: tuple[tuple[str, str], ...] = ()
    json_ld: dict[str, Any] | str | None = None
    head: tuple[str, ...] = ()
    script: str = ""
    in_sitemap: bool = True
    aside: bool = True


@dataclass(frozen=True, slots=True)
class DemoContent:
    """The whole site: its production origin, the main navigation and the pages."""

    origin: str
    nav: tuple[tuple[str, str], ...]
    sitemap_extra: tuple[str, ...]
    """URLs listed in the sitemap that are not pages of their own (a redirect and a 410)."""
    pages: tuple[DemoPage, ...]


@cache
def load_content(path: Path = CONTENT_FILE) -> DemoContent:
    """The demo site's content file, read once."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pages = tuple(
        DemoPage(
            **{
                **page,
                "hreflang": tuple(tuple(pair) for pair in page.get("hreflang", ())),
                "head": tuple(page.get("head", ())),
            }
        )
        for page in data["pages"]
    )
    return DemoContent(
        origin=data["origin"],
        nav=tuple((item["label"], item["href"]) for item in data["nav"]),
        sitemap_extra=tuple(data["sitemap_extra"]),
        pages=pages,
    )


ORIGIN = load_content().origin
"""The site's production origin as written in the files; the demo server rewrites it."""
PAGES = load_content().pages
