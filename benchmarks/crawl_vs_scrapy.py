"""The product's crawler against Scrapy on the same static sites, one after the other in one run.

Generates a documentation-style static site (``--pages``, default 500: nested sections, a sidebar
and breadcrumbs on every page, 5–40 KB of text, robots.txt and sitemap.xml) into a temporary
folder, serves it on 127.0.0.1 from a separate process (HTTP/1.1, keep-alive), and crawls it in a
child process per crawler, sampling the RSS and CPU time of the child's whole process tree
(Python, Playwright's driver, Chromium). Prints pages/s, CPU s and peak RSS per crawler and the
ratios against Scrapy (16 concurrent requests, retries off, robots.txt obeyed).

Runs: ``product`` (defaults: ``auto`` rendering, network guard on with 127.0.0.1 allow-listed),
``scrapy``, ``product-blog`` and ``scrapy-blog`` (a blog built with Pelican: 445 articles and
Pelican's paginated index, category, tag and author pages and its archive, 734 URLs; page limit
1,000), ``product-503`` and ``scrapy-503`` (a 135-page site where one URL always answers 503
with ``Retry-After: 120``), ``always`` (every page rendered in Chromium, docs site).

Usage: ``python benchmarks/crawl_vs_scrapy.py [--pages 500] [--runs product,scrapy,...]``
(default: all runs; ``--pages`` sets the docs site's size only). Scrapy and Pelican are the
``bench`` extra: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import random
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import psutil

RUNS = ("scrapy", "product", "scrapy-blog", "product-blog", "scrapy-503", "product-503", "always")
BLOG_ARTICLES = 445  # with Pelican's index, category, tag, author and archive pages: 734 URLs
BLOG_LIMIT = 1_000  # page limit of the blog runs, above its URL count
OVERLOADED = "/docs/s1/p7.html"  # always 503 + Retry-After: 120 on the 503 site
VOCABULARY = (
    "install configure deploy cluster node request response cache index query schema token "
    "session handler worker queue event stream buffer client server route proxy header cookie "
    "timeout retry limit policy module package release version upgrade migrate backup restore"
)
WORDS = VOCABULARY.split()


def generate_site(folder: Path, pages: int) -> None:
    """A documentation site of ``pages`` HTML pages in sections of 25, same every time."""
    sections = max(1, (pages - 1) // 25 + 1)
    paths = ["/index.html"] + [f"/docs/s{i // 25}/p{i % 25}.html" for i in range(pages - 1)]
    rng = random.Random(7)
    for n, path in enumerate(paths):
        section = (n - 1) // 25 if n else 0
        siblings = [p for p in paths if p.startswith(f"/docs/s{section}/")]
        sidebar = "".join(
            f'<li><a href="/docs/s{s}/p0.html">Section {s}</a></li>' for s in range(sections)
        )
        local = "".join(f'<li><a href="{p}">{Path(p).stem}</a></li>' for p in siblings)
        related = "".join(
            f'<a href="{rng.choice(paths)}">{rng.choice(WORDS)}</a> ' for _ in range(6)
        )
        text = []
        size, target = 0, rng.randint(5_000, 40_000)
        while size < target:
            sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 90)))
            block = f"<p>{sentence}.</p>" if rng.random() < 0.8 else f"<pre>{sentence}</pre>"
            text.append(block)
            size += len(block)
        title = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} – Docs {n}"
        html = (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="description" content="How to {rng.choice(WORDS)} ({n})">'
            f'<link rel="canonical" href="{path}"><link rel="stylesheet" href="/site.css">'
            '</head><body><header><a href="/index.html">Docs</a></header>'
            f"<nav><ul>{sidebar}</ul><ul>{local}</ul></nav><main><h1>{title}</h1>"
            f"{''.join(text)}<p>Related: {related}</p></main><footer>© Docs</footer></body></html>"
        )
        target_file = folder / path.lstrip("/")
        target_file.parent.mkdir(parents=True, exist_ok=True)
        target_file.write_text(html, encoding="utf-8")
    (folder / "site.css").write_text("body { font-family: sans-serif; }")
    (folder / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    urls = "".join(f"<url><loc>{{base}}{p}</loc></url>" for p in paths)
    (folder / "sitemap.tpl").write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>"
    )


def generate_blog(folder: Path, articles: int) -> Path:
    """A Pelican blog of ``articles`` posts, built with ``python -m pelican``; returns its output.

    The posts are reStructuredText (Pelican needs no extra for it), 200–600 words each with a few
    links to other posts, spread over 8 categories, 3 authors and 2–4 of 40 tags, same every time.
    The settings are ``pelican-quickstart``'s development ones (feeds off, ``SITEURL = ""``: every
    link is root-relative, so it resolves on whatever port the site is served) plus a menu linking
    the archive and the category, tag and author lists.
    """
    content = folder / "content"
    content.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    categories = [f"{word} notes" for word in WORDS[:8]]
    tags = WORDS[8:48]
    authors = ("Ada Park", "Ben Ortiz", "Chloe Lind")
    slugs = [f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{n}" for n in range(articles)]
    for n, slug in enumerate(slugs):
        title = f"{slug.split('-')[0].title()} the {slug.split('-')[1]}, part {n}"
        words, target, paragraphs = 0, rng.randint(200, 600), []
        while words < target:
            sentence = [rng.choice(WORDS) for _ in range(rng.randint(20, 60))]
            sentence = sentence[: target - words] or sentence[:1]
            if rng.random() < 0.25:  # links between posts, resolved by Pelican
                other = rng.choice(slugs)
                sentence.append(f"`{sentence.pop()} <{{filename}}/{other}.rst>`__")
            paragraphs.append(" ".join(sentence).capitalize() + ".")
            words += len(sentence)
        day = time.gmtime(1_609_459_200 + n * 172_800 + rng.randint(0, 86_399))
        (content / f"{slug}.rst").write_text(
            f"{title}\n{'#' * len(title)}\n\n"
            f":date: {time.strftime('%Y-%m-%d %H:%M', day)}\n"
            f":category: {rng.choice(categories)}\n"
            f":tags: {', '.join(rng.sample(tags, rng.randint(2, 4)))}\n"
            f":author: {rng.choice(authors)}\n:slug: {slug}\n\n" + "\n\n".join(paragraphs) + "\n",
            encoding="utf-8",
        )
    (folder / "pelicanconf.py").write_text(
        "AUTHOR = 'Ada Park'\nSITENAME = 'Field notes'\nSITEURL = ''\nPATH = 'content'\n"
        "TIMEZONE = 'UTC'\nDEFAULT_LANG = 'en'\nDEFAULT_PAGINATION = 10\n"
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nTRANSLATION_FEED_ATOM = None\n"
        "AUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\n"
        "MENUITEMS = [(name.title(), f'/{name}.html')"
        " for name in ('archives', 'categories', 'tags', 'authors')]\n"
    )
    subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-o", "output", "-s", "pelicanconf.py", "-q"],
        cwd=folder,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return folder / "output"


def serve(folder: str, overloaded: bool, port_out: multiprocessing.Queue) -> None:
    """Serve ``folder`` until killed (in its own process); one URL answers 503 if asked."""
    root = Path(folder)
    files = {"/" + p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.*")}
    files["/"] = files["/index.html"]
    types = {".html": "text/html; charset=utf-8", ".css": "text/css", ".txt": "text/plain"}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = 1 << 16  # headers and body in one write (flushed after each request)
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            headers = {}
            if overloaded and path == OVERLOADED:
                status, body, headers = 503, b"busy", {"Retry-After": "120"}
            elif path == "/sitemap.xml" and "/sitemap.tpl" in files:
                base = f"http://{self.headers['Host']}"
                status, body = 200, files["/sitemap.tpl"].replace(b"{base}", base.encode())
                headers = {"Content-Type": "application/xml"}
            elif path in files and path != "/sitemap.tpl":
                status, body = 200, files[path]
                suffix = Path(path).suffix if path != "/" else ".html"
                headers = {"Content-Type": types.get(suffix, "text/plain")}
            else:
                status, body = 404, b"not found"
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.put(server.server_address[1])
    server.serve_forever()


def crawl_product(root: str, pages: int, render_mode: str) -> dict:
    """The product's crawler with its defaults (guard on, 127.0.0.1 allow-listed)."""
    from seology_pipeline.crawl.crawler import crawl_site
    from seology_pipeline.crawl.settings import CrawlSettings

    settings = CrawlSettings(
        root_url=root,
        max_pages=pages,
        render_mode=render_mode,
        private_network_allowlist=("127.0.0.1/32",),
    )
    statuses: dict[int, int] = {}

    def count(record) -> None:
        statuses[record.status or 0] = statuses.get(record.status or 0, 0) + 1

    started = time.perf_counter()
    facts = crawl_site(settings, count)
    return {
        "pages": sum(statuses.values()),
        "seconds": time.perf_counter() - started,
        "statuses": statuses,
        "rendered": facts.pages_rendered,
    }


def crawl_scrapy(root: str, pages: int) -> dict:
    """Scrapy following every same-site link, extracting title and links like a crawler would."""
    import scrapy
    import scrapy.http
    from scrapy.crawler import CrawlerProcess
    from scrapy.linkextractors import LinkExtractor

    statuses: dict[int, int] = {}

    class Site(scrapy.Spider):
        name = "site"
        start_urls: ClassVar = [root]
        links = LinkExtractor()
        custom_settings: ClassVar = {"HTTPERROR_ALLOW_ALL": True}

        def parse(self, response):
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if not isinstance(response, scrapy.http.TextResponse):
                return
            response.css("title::text").get()
            for link in self.links.extract_links(response):
                if link.url.startswith(root):  # same site (allow_domains ignores the port)
                    yield response.follow(link.url, callback=self.parse)

    process = CrawlerProcess(
        {
            "CONCURRENT_REQUESTS": 16,
            "RETRY_ENABLED": False,
            "ROBOTSTXT_OBEY": True,
            "LOG_LEVEL": "ERROR",
            "CLOSESPIDER_PAGECOUNT": pages,
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    started = time.perf_counter()
    process.crawl(Site)
    process.start()
    return {
        "pages": sum(statuses.values()),
        "seconds": time.perf_counter() - started,
        "statuses": statuses,
    }


def run_child(run: str, root: str, pages: int) -> None:
    if run.startswith("scrapy"):
        result = crawl_scrapy(root, pages)
    else:
        result = crawl_product(root, pages, "always" if run == "always" else "auto")
    print(json.dumps(result, default=str))


def measure(run: str, root: str, pages: int) -> dict:
    """Run one crawl in a child process, sampling RSS and CPU of its whole process tree."""
    cmd = [sys.executable, __file__, "--child", run, "--root", root, "--pages", str(pages)]
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    proc = psutil.Process(child.pid)
    peak, cpu = 0, {}
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            with contextlib.suppress(psutil.Error):
                rss = 0
                for p in [proc, *proc.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        rss += p.memory_info().rss
                        times = p.cpu_times()
                        cpu[p.pid] = times.user + times.system
                peak = max(peak, rss)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    stop.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"{run} crawl failed (exit {child.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    result.update(peak_rss=peak, cpu=sum(cpu.values()), processes=len(cpu))
    return result


@contextlib.contextmanager
def served(folder: Path, overloaded: bool):
    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(str(folder), overloaded, ports))
    server.start()
    try:
        yield f"http://127.0.0.1:{ports.get(timeout=30)}/"
    finally:
        server.terminate()
        server.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--runs", default=",".join(RUNS))
    parser.add_argument("--child")
    parser.add_argument("--root")
    args = parser.parse_args()
    if args.child:
        run_child(args.child, args.root, args.pages)
        return
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp, "docs"), Path(tmp, "small")
        generate_site(big, args.pages)
        generate_site(small, 135)
        blog_runs = any(run.endswith("-blog") for run in runs)
        if blog_runs:
            blog = generate_blog(Path(tmp, "blog"), BLOG_ARTICLES)
            blog_pages = sum(1 for _ in blog.rglob("*.html"))
        for run in runs:
            if run.endswith("-503"):
                site, pages = small, 135
            elif run.endswith("-blog"):
                site, pages = blog, BLOG_LIMIT
            else:
                site, pages = big, args.pages
            with served(site, run.endswith("-503")) as root:
                results[run] = measure(run, root, pages)
    print(f"docs site: {args.pages} pages; 503 site: 135 pages, one 503 + Retry-After: 120")
    if blog_runs:
        print(f"blog: Pelican, {BLOG_ARTICLES} articles, {blog_pages} HTML pages in all")
    for run, r in results.items():
        rate = r["pages"] / r["seconds"]
        # each product run against Scrapy on the same site; `always` against Scrapy on the docs
        versus = run.replace("product", "scrapy") if run.startswith("product") else "scrapy"
        if run.startswith("scrapy"):
            versus = run
        line = (
            f"{run:12} {r['pages']:4d} pages in {r['seconds']:6.2f} s = {rate:6.1f} pages/s, "
            f"CPU {r['cpu']:5.1f} s, peak RSS {r['peak_rss'] / 2**20:4.0f} MB "
            f"({r['processes']} processes), statuses {r['statuses']}"
        )
        other = results.get(versus)
        if other is not None and versus != run:
            other_rate = other["pages"] / other["seconds"]
            line += (
                f"; vs {versus}: {rate / other_rate:.2f}x pages/s, "
                f"{r['cpu'] / other['cpu']:.2f}x CPU, {r['peak_rss'] / other['peak_rss']:.2f}x RSS"
            )
        print(line)


if __name__ == "__main__":
    main()
