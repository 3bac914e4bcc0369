"""Serves the bundled demo site on 127.0.0.1 from a background thread.

The site is rendered from its content file and templates into a temporary folder when the
server starts (:mod:`seology_pipeline.demo.generate`); a small routing table adds what static
files cannot do: redirects (a 301 → 302 chain and a single 301), a 410, a 500, a slow page and
placeholder images. The production origin written in the files is rewritten to the served
address, so canonicals, hreflang, the sitemap and robots.txt point at the running server.
"""

from __future__ import annotations

import struct
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from seology_pipeline.demo.content import ORIGIN
from seology_pipeline.demo.generate import write_site

SLOW_SECONDS = 1.0
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class Route:
    """A special answer for one path: a status (with ``location`` for redirects) or a delay."""

    status: int = 200
    location: str | None = None
    delay: float = 0.0


ROUTES: dict[str, Route] = {
    "/specials/": Route(301, "/seasonal-specials/"),
    "/seasonal-specials/": Route(302, "/offers/"),
    "/old-menu/": Route(301, "/menu/"),
    "/menu/gluten-free/": Route(410),
    "/gift-cards/": Route(500),
    "/catering/quote/": Route(delay=SLOW_SECONDS),
}
ERROR_PAGES = {
    410: b"<!doctype html><title>Gone</title><h1>This page has been removed</h1>",
    500: b"<!doctype html><title>Server error</title><h1>Something went wrong</h1>",
}


def _png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (196, 140, 90)) -> bytes:
    """A small solid-colour PNG (the demo's placeholder for every photo)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


PLACEHOLDER_PNG = _png()


class DemoHandler(BaseHTTPRequestHandler):
    """GET/HEAD for the demo site: routing table first, then the server's rendered files."""

    server: DemoServer

    server_version = "CedarHollow/1.0"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the demo's requests are not worth a line each."""

    def _answer(self, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path) or "/"
        route = ROUTES.get(path)
        if route is not None:
            if route.delay:
                time.sleep(route.delay)
            if route.location is not None:
                return self._send(route.status, b"", location=route.location, body=send_body)
            if route.status != 200:
                page = ERROR_PAGES[route.status]
                return self._send(route.status, page, CONTENT_TYPES[".html"], body=send_body)
        if path.startswith("/images/") and path.endswith(".png"):
            return self._send(200, PLACEHOLDER_PNG, "image/png", body=send_body)
        target = self._file_for(path)
        if target is None:
            not_found = self._rewrite((self.server.site_dir / "404.html").read_bytes())
            return self._send(404, not_found, CONTENT_TYPES[".html"], body=send_body)
        if target.is_dir():  # like every static server: a folder needs its trailing slash
            return self._send(301, b"", location=f"{path}/", body=send_body)
        data = self._rewrite(target.read_bytes())
        self._send(200, data, CONTENT_TYPES[target.suffix], body=send_body)

    def _file_for(self, path: str) -> Path | None:
        """The file (or folder, for a missing slash) ``path`` names, never outside the site."""
        site_dir = self.server.site_dir
        candidate = (site_dir / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(site_dir):
            return None
        if candidate.is_dir():
            index = candidate / "index.html"
            if not index.is_file():
                return None
            return index if path.endswith("/") else candidate
        if candidate.is_file() and candidate.suffix in CONTENT_TYPES:
            return candidate
        return None

    def _rewrite(self, data: bytes) -> bytes:
        host, port = self.server.server_address[:2]
        return data.replace(ORIGIN.encode(), f"http://{host}:{port}".encode())

    def _send(
        self,
        status: int,
        data: bytes,
        content_type: str | None = None,
        *,
        location: str | None = None,
        body: bool = True,
    ) -> None:
        self.send_response(status)
        if location is not None:
            self.send_header("Location", location)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


class DemoServer(ThreadingHTTPServer):
    """The HTTP server, with the folder its site was rendered into."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], site_dir: Path) -> None:
        super().__init__(address, DemoHandler)
        self.site_dir = site_dir.resolve()


@contextmanager
def serve_demo_site(port: int = 0) -> Iterator[str]:
    """Render the demo site and serve it on ``127.0.0.1:port`` (0: any free port); yields the
    base URL, e.g. ``http://127.0.0.1:8765/``, and stops the server (and removes the files) on
    exit."""
    with tempfile.TemporaryDirectory(prefix="seology-demo-") as folder:
        write_site(Path(folder))
        server = DemoServer(("127.0.0.1", port), Path(folder))
        thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
        thread.start()
        try:
            host, bound = server.server_address[:2]
            yield f"http://{host}:{bound}/"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


if __name__ == "__main__":
    with serve_demo_site(8765) as url:
        print(f"demo site at {url} (Ctrl-C to stop)")
        with suppress(KeyboardInterrupt):
            threading.Event().wait()
