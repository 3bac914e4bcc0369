"""Audit throughput: synthesise a realistic 100,000-page crawl and time the full audit.

Usage: ``.venv/bin/python benchmarks/audit_throughput.py [--pages 100000] [--seed 1]``

The synthetic shop has a home page, categories, paginated listings and products; every page
carries navigation, breadcrumb, related-product and footer links (~35 a page, a few external),
images, headers, JSON-LD and hreflang on a share of pages, and the usual defects sprinkled in
(404s, redirects and chains, noindex, canonicalised variants, duplicate titles and content,
near-duplicate templates, slow pages, missing tags). URL strings are shared between records, as
a crawler's URL table would hand them out; anchors, titles and the rest are separate objects.
Prints generation time, wall time and CPU
time of ``run_audit`` alone, the RSS before the audit and the process's peak RSS, the findings
per severity, the slowest rules, and the machine load (other work on the box skews wall time).
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import resource
import time

import psutil

from seology_pipeline.audit.engine import run_audit
from seology_pipeline.crawl.records import (
    Hreflang,
    ImageRecord,
    JsonLdBlock,
    LinkRecord,
    PageRecord,
    RedirectHop,
    SiteFacts,
    TagText,
)

ROOT = "https://www.shop.example/"
WORDS = [
    "garden",
    "spade",
    "rake",
    "hoe",
    "seed",
    "soil",
    "compost",
    "tomato",
    "basil",
    "pot",
    "planter",
    "hose",
    "watering",
    "can",
    "glove",
    "pruner",
    "shears",
    "trowel",
    "fork",
    "wheelbarrow",
    "bulb",
    "lawn",
    "mower",
    "hedge",
    "trimmer",
    "fertiliser",
    "mulch",
]
HEADERS = {
    "content-type": "text/html; charset=utf-8",
    "strict-transport-security": "max-age=63072000",
    "x-content-type-options": "nosniff",
    "cache-control": "max-age=300",
}


@functools.cache
def _url(i: int) -> str:
    if i == 0:
        return ROOT
    if i <= 50:
        return f"{ROOT}category/{WORDS[i % len(WORDS)]}-{i}/"
    if i <= 2_000:
        return f"{ROOT}category/{WORDS[i % 50 % len(WORDS)]}-{i % 50 + 1}/page/{i}/"
    return f"{ROOT}product/{WORDS[i % len(WORDS)]}-{WORDS[(i * 7) % len(WORDS)]}-{i}"


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def make_page(i: int, n: int, rng: random.Random, template_hashes: list[int]) -> PageRecord:
    url = _url(i)
    depth = 0 if i == 0 else 1 if i <= 50 else 2 if i <= 2_000 else 3 + (i % 3 == 0)
    roll = rng.random() if i > 50 else 1.0  # navigation pages stay healthy
    status = 200
    chain: list[RedirectHop] = []
    final = url
    if roll < 0.01:
        status = 404
    elif roll < 0.012:
        status = 503
    elif roll < 0.03:
        final = url + "-new"
        chain = [RedirectHop(url, 301)] + ([RedirectHop(url + "-old", 301)] if roll < 0.02 else [])
    title = f"{_text(rng, rng.randint(3, 9)).title()} | Shop"
    if rng.random() < 0.02:
        title = "Garden tools | Shop"  # duplicate titles
    simhash = rng.getrandbits(64)
    if rng.random() < 0.05:  # templated near-duplicates
        simhash = rng.choice(template_hashes) ^ (1 << rng.randrange(64)) ^ (1 << rng.randrange(64))
    content_hash = f"{i:064x}" if rng.random() > 0.01 else "d" * 64
    nav = [LinkRecord(_url(c), _url(c), f"Category {c}") for c in range(1, 21)]
    parent = 0 if i <= 50 else (i % 50) + 1 if i <= 2_000 else 51 + i % 1_949
    breadcrumb = [
        LinkRecord(_url(0), _url(0), "Home"),
        LinkRecord(_url(parent), _url(parent), "Back"),
    ]
    related = []
    for _ in range(10):
        target = rng.randrange(n)
        related.append(LinkRecord(_url(target), _url(target), _text(rng, 3)))
    if rng.random() < 0.05:
        related.append(LinkRecord("javascript:void(0)", None, "Open", crawlable=False))
    if rng.random() < 0.05:
        related.append(LinkRecord(_url(1), _url(1), "", rel="nofollow"))
    footer = [LinkRecord(f"{ROOT}info/{p}", f"{ROOT}info/{p}", p) for p in ("about", "contact")]
    external = [
        LinkRecord(f"https://social.example/{s}", f"https://social.example/{s}", s, internal=False)
        for s in ("fb", "ig", "yt")
    ]
    images = [
        ImageRecord(
            f"{ROOT}img/{i}-{k}.jpg",
            alt=None if rng.random() < 0.1 else _text(rng, 3),
            width="800",
            height=None if rng.random() < 0.1 else "600",
            size_bytes=rng.randint(20_000, 180_000),
        )
        for k in range(rng.randint(1, 6))
    ]
    json_ld = []
    if i > 2_000:
        product = {"@context": "https://schema.org", "@type": "Product", "name": title}
        if rng.random() > 0.1:
            product["offers"] = {"@type": "Offer", "price": "9.99", "priceCurrency": "EUR"}
        json_ld.append(JsonLdBlock(types=["Product"], data=product))
    hreflang = []
    if i % 10 == 0:
        hreflang = [
            Hreflang("en-GB", url),
            Hreflang("de-DE", _url(i + 1 if i + 1 < n else 0)),
            Hreflang("x-default", url),
        ]
    canonical = url if rng.random() > 0.05 else _url(max(0, i - 1))
    return PageRecord(
        url=url,
        depth=depth,
        found_on=_url(parent),
        final_url=final,
        status=status,
        redirect_chain=chain,
        content_type="text/html; charset=utf-8",
        headers=dict(HEADERS),
        ttfb_ms=rng.lognormvariate(5.3, 0.6),
        load_ms=rng.lognormvariate(6.5, 0.5),
        size_bytes=rng.randint(30_000, 300_000),
        titles=[TagText(title)],
        meta_descriptions=[TagText(_text(rng, rng.randint(8, 30)))] if rng.random() > 0.1 else [],
        meta_robots=["noindex"] if rng.random() < 0.03 else [],
        canonicals=[TagText(canonical)] if rng.random() > 0.05 else [],
        heading_counts={"h1": 1 if rng.random() > 0.05 else 0, "h2": 3},
        heading_levels=[1, 2, 2, 3] if rng.random() > 0.05 else [1, 3],
        h1_texts=[_text(rng, 4)],
        lang="en-GB" if rng.random() > 0.01 else "english",
        viewport="width=device-width, initial-scale=1",
        hreflang=hreflang,
        open_graph={
            "og:title": title,
            "og:type": "product",
            "og:image": images[0].url,
            "og:url": url,
        },
        twitter={"twitter:card": "summary_large_image"},
        json_ld=json_ld,
        word_count=rng.randint(80, 1500),
        content_hash=content_hash,
        simhash=simhash,
        links=[*nav, *breadcrumb, *related, *footer, *external],
        images=images,
        in_sitemap=rng.random() > 0.05,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    templates = [rng.getrandbits(64) for _ in range(200)]
    process = psutil.Process()

    started = time.perf_counter()
    pages = [make_page(i, args.pages, rng, templates) for i in range(args.pages)]
    facts = SiteFacts(
        root_url=ROOT,
        final_root_url=ROOT,
        robots_url=f"{ROOT}robots.txt",
        robots_status=200,
        ai_bots_blocked=["GPTBot"],
        sitemap_urls=[f"{ROOT}sitemap-{k}.xml" for k in range(3)],
        sitemap_url_count=args.pages,
        sitemap_pages=[],
        uses_https=True,
        http_redirects_to_https=True,
        pages_crawled=args.pages,
    )
    links = sum(len(p.links) for p in pages)
    generated = time.perf_counter() - started
    rss_before = process.memory_info().rss

    load_before = os.getloadavg()
    cpu_before = time.process_time()
    started = time.perf_counter()
    result = run_audit(pages, facts)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    s = result.summary
    print(f"pages {args.pages:,}  links {links:,}  generated in {generated:.1f} s")
    print(f"audit wall {wall:.2f} s  cpu {cpu:.2f} s  ({args.pages / wall:,.0f} pages/s)")
    print(
        f"rss before audit {rss_before / 2**20:,.0f} MiB  peak rss {peak / 2**20:,.0f} MiB "
        f"(audit added ≤ {(peak - rss_before) / 2**20:,.0f} MiB)"
    )
    print(
        f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} cores"
    )
    print(f"issues {s.issues:,}  by severity {s.by_severity}  health {s.health_score}")
    failed = [f.rule_code for f in result.failed_rules]
    print(f"indexable {s.indexable_pages:,}  failed rules {failed}")
    slowest = sorted(result.rule_seconds.items(), key=lambda kv: -kv[1])[:8]
    print("slowest rules: " + ", ".join(f"{code} {sec:.2f}s" for code, sec in slowest))


if __name__ == "__main__":
    main()
