"""Crawl throughput: the project's crawler (``always``, ``auto``) against a plain-HTTP baseline.

Generates a realistic site (20–60 KB pages, 15–30 links each, about 1 page in 20 needing
JavaScript for its title and links), serves it on 127.0.0.1 from a separate process, and crawls
it once per crawler, each in its own process so that peak RSS (process plus children, i.e. the
browser) is measured per crawler. Prints one line per crawler:

    auto: 61.2 pages/s, 0.41x baseline, peak RSS 512 MB

Usage: ``python benchmarks/crawl_throughput.py [--pages 500] [--modes baseline,always,auto]``;
add ``always+guard`` or ``auto+guard`` to measure with the network guard checking every browser
request (production setting; the plain modes allow private networks to reach 127.0.0.1).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import random
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psutil

JS_EVERY = 20
VOCABULARY = (
    "search engine page content crawler audit title description canonical link index robots "
    "sitemap performance mobile speed render script structured data schema heading image alt "
    "text keyword ranking traffic visitor product service price offer review article blog "
    "category tag author date update news guide tutorial example question answer support"
)
WORDS = VOCABULARY.split()


def make_page(n: int, pages: int) -> bytes:
    """Page ``n`` of the site, generated the same way every time."""
    rng = random.Random(n)
    links = [f"/p/{rng.randrange(pages)}" for _ in range(rng.randint(15, 30))]
    if n + 1 < pages:
        links[0] = f"/p/{n + 1}"  # every page is reachable
    target = rng.randint(20_000, 60_000)
    paragraphs = []
    size = 0
    while size < target:
        para = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120)))
        paragraphs.append(f"<p>{para}.</p>")
        size += len(para) + 8
    title = f"Page {n}: {' '.join(rng.choice(WORDS) for _ in range(4))}"
    anchors = "".join(
        f'<li><a href="{href}">{rng.choice(WORDS)} {i}</a></li>' for i, href in enumerate(links)
    )
    if n % JS_EVERY == JS_EVERY - 1:
        data = json.dumps({"title": title, "links": links})
        head = "<title></title>"
        nav = '<ul id="app"></ul>'
        script = (
            f"<script>const d = {data}; document.title = d.title;"
            "document.getElementById('app').innerHTML = d.links.map("
            "(h, i) => `<li><a href=\"${h}\">link ${i}</a></li>`).join('');</script>"
        )
    else:
        head, nav, script = f"<title>{title}</title>", f"<ul>{anchors}</ul>", ""
    html = (
        f'<!doctype html><html lang="en"><head>{head}<meta charset="utf-8">'
        f'<meta name="description" content="Description of page {n}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="canonical" href="/p/{n}"><link rel="stylesheet" href="/static/site.css">'
        '<script src="/static/analytics.js" defer></script></head><body>'
        f"<header><nav>{nav}</nav></header><main><h1>Heading {n}</h1>"
        f'<img src="/img/{n}.jpg" alt="Picture {n}" width="640" height="480">'
        f"{''.join(paragraphs)}</main><footer>Footer</footer>{script}</body></html>"
    )
    return html.encode()


def serve(pages: int, port_out: multiprocessing.Queue) -> None:
    """Serve the generated site until killed (runs in its own process)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path
            kind, body, status = "text/html; charset=utf-8", b"", 200
            if path == "/":
                body = make_page(0, pages)
            elif path.startswith("/p/") and path[3:].isdigit() and int(path[3:]) < pages:
                body = make_page(int(path[3:]), pages)
            elif path == "/static/analytics.js":
                kind, body = "application/javascript", b"window.analytics = {loaded: true};"
            elif path == "/static/site.css":
                kind, body = "text/css", b"body { font-family: sans-serif; }"
            else:
                status = 404
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.put(server.server_address[1])
    server.serve_forever()


async def baseline_crawl(root: str, limit: int, concurrency: int = 8) -> int:
    """A plain breadth-first HTTP crawler: httpx and selectolax, titles and links only."""
    from urllib.parse import urljoin

    import httpx
    from selectolax.lexbor import LexborHTMLParser

    seen = {root}
    queue: asyncio.Queue[str] = asyncio.Queue()
    queue.put_nowait(root)
    done = 0
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency)) as client:

        async def worker() -> None:
            nonlocal done
            while True:
                url = await queue.get()
                try:
                    response = await client.get(url)
                    tree = LexborHTMLParser(response.text)
                    title = tree.css_first("title")
                    _ = title.text() if title is not None else None
                    for a in tree.css("a[href]"):
                        link = urljoin(url, a.attributes["href"] or "").split("#")[0]
                        if link.startswith(root) and link not in seen and len(seen) < limit:
                            seen.add(link)
                            queue.put_nowait(link)
                    done += 1
                finally:
                    queue.task_done()

        workers = [asyncio.create_task(worker()) for _ in range(concurrency)]
        await queue.join()
        for task in workers:
            task.cancel()
    return done


def run_one(mode: str, root: str, pages: int) -> None:
    """Child process: crawl once and print ``{"pages": n, "seconds": s, ...}`` as JSON."""
    started = time.perf_counter()
    rendered = 0
    if mode == "baseline":
        count = asyncio.run(baseline_crawl(root, pages))
    else:
        from seology_pipeline.crawl.crawler import crawl_site
        from seology_pipeline.crawl.settings import CrawlSettings

        counter = {"n": 0}
        guarded = mode.endswith("+guard")  # the network guard on, 127.0.0.1 allow-listed
        settings = CrawlSettings(
            root_url=root,
            max_pages=pages,
            max_depth=1000,
            render_mode=mode.removesuffix("+guard"),
            allow_private_networks=not guarded,
            private_network_allowlist=("127.0.0.1/32",) if guarded else (),
        )
        facts = crawl_site(settings, lambda record: counter.__setitem__("n", counter["n"] + 1))
        count, rendered = counter["n"], facts.pages_rendered
    seconds = time.perf_counter() - started
    cpu = psutil.Process().cpu_times()
    print(
        json.dumps(
            {"pages": count, "seconds": seconds, "rendered": rendered, "cpu": cpu.user + cpu.system}
        )
    )


def measure(mode: str, root: str, pages: int) -> dict:
    """Run one crawler in a child process, sampling the RSS of its whole process tree."""
    cmd = [sys.executable, __file__, "--child", mode, "--root", root, "--pages", str(pages)]
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    proc = psutil.Process(child.pid)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                tree = [proc, *proc.children(recursive=True)]
                rss = 0
                for p in tree:
                    with contextlib.suppress(psutil.Error):
                        rss += p.memory_info().rss
                peak = max(peak, rss)
            except psutil.Error:
                pass
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    stop.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"{mode} crawl failed (exit {child.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss"] = peak
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--modes", default="baseline,always,auto")
    parser.add_argument("--child")
    parser.add_argument("--root")
    args = parser.parse_args()
    if args.child:
        run_one(args.child, args.root, args.pages)
        return
    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.pages, ports), daemon=True)
    server.start()
    root = f"http://127.0.0.1:{ports.get(timeout=10)}/"
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    print(f"site: {args.pages} pages at {root}, about 1 in {JS_EVERY} needing JavaScript")
    results = {}
    try:
        for mode in ["baseline", *[m for m in modes if m != "baseline"]]:
            if mode != "baseline" and mode not in modes:
                continue
            results[mode] = measure(mode, root, args.pages)
    finally:
        server.terminate()
    base_rate = results["baseline"]["pages"] / results["baseline"]["seconds"]
    for mode, r in results.items():
        if mode not in modes:
            continue
        rate = r["pages"] / r["seconds"]
        print(
            f"{mode}: {rate:.1f} pages/s, {rate / base_rate:.2f}x baseline, "
            f"peak RSS {r['peak_rss'] / 2**20:.0f} MB "
            f"({r['pages']} pages in {r['seconds']:.1f} s, {r['rendered']} rendered, "
            f"{1000 * r['cpu'] / max(r['pages'], 1):.0f} ms CPU a page in the crawler process)"
        )


if __name__ == "__main__":
    main()
