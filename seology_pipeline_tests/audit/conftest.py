"""Audit fixtures: a small clean site that no rule flags, to be broken one field at a time."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest

from seology_pipeline.audit.config import AuditConfig
from seology_pipeline.audit.engine import AuditResult, run_audit
from seology_pipeline.crawl.records import (
    ImageRecord,
    LinkRecord,
    PageRecord,
    SiteFacts,
    TagText,
)
from seology_pipeline_tests.databases import app_engine  # noqa: F401  (fixture)

ROOT = "https://shop.example/"
SECURE_HEADERS = {
    "content-type": "text/html; charset=utf-8",
    "strict-transport-security": "max-age=31536000",
    "content-security-policy": "default-src 'self'",
    "x-content-type-options": "nosniff",
}


def url(n: int) -> str:
    return ROOT if n == 0 else f"{ROOT}page-{n}"


def link(target: str, anchor: str = "Read more", **kwargs) -> LinkRecord:
    return LinkRecord(href=target, url=target, anchor=anchor, **kwargs)


def clean_page(n: int, total: int, rng: random.Random) -> PageRecord:
    """Page ``n`` of a site of ``total`` pages; every check passes on it."""
    address = url(n)
    targets = range(1, total) if n == 0 else (0, (n % (total - 1)) + 1)
    return PageRecord(
        url=address,
        depth=0 if n == 0 else 1,
        final_url=address,
        status=200,
        content_type="text/html; charset=utf-8",
        headers=dict(SECURE_HEADERS),
        ttfb_ms=120.0,
        titles=[TagText(f"Garden tools and supplies, catalogue page {n:03d}")],
        meta_descriptions=[
            TagText(
                f"Everything for the garden on page {n}: spades, rakes, seeds and advice from "
                "people who grow."
            )
        ],
        canonicals=[TagText(address)],
        heading_counts={"h1": 1, "h2": 2},
        heading_levels=[1, 2, 2],
        h1_texts=[f"Garden catalogue {n}"],
        lang="en-GB",
        viewport="width=device-width, initial-scale=1",
        open_graph={
            "og:title": f"Garden {n}",
            "og:type": "website",
            "og:image": f"{ROOT}img/{n}.jpg",
            "og:url": address,
        },
        twitter={"twitter:card": "summary"},
        word_count=450,
        content_hash=f"{n:064x}",
        simhash=rng.getrandbits(64),
        links=[link(url(t), f"Garden page {t}") for t in targets if t != n],
        images=[
            ImageRecord(
                f"{ROOT}img/{n}.jpg", alt="A spade", width="640", height="480", size_bytes=40_000
            )
        ],
        in_sitemap=True,
    )


@dataclass
class Site:
    """Records and facts of a crawl, plus helpers to audit them."""

    pages: list[PageRecord]
    facts: SiteFacts
    extra: list[PageRecord] = field(default_factory=list)

    def page(self, n: int) -> PageRecord:
        return next(p for p in self.pages if p.url == url(n))

    def audit(self, config: AuditConfig | None = None) -> AuditResult:
        return run_audit([*self.pages, *self.extra], self.facts, config)

    def unlink(self, target: str) -> None:
        """Remove every internal link to ``target``."""
        for page in self.pages:
            page.links = [lk for lk in page.links if lk.url != target]


def make_site(total: int = 5, seed: int = 7) -> Site:
    rng = random.Random(seed)
    pages = [clean_page(n, total, rng) for n in range(total)]
    facts = SiteFacts(
        root_url=ROOT,
        final_root_url=ROOT,
        robots_url=f"{ROOT}robots.txt",
        robots_status=200,
        sitemap_urls=[f"{ROOT}sitemap.xml"],
        sitemap_url_count=total,
        sitemap_pages=[p.url for p in pages],
        uses_https=True,
        http_redirects_to_https=True,
        pages_crawled=total,
    )
    return Site(pages, facts)


@pytest.fixture
def site() -> Site:
    return make_site()
