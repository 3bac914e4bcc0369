"""Local test web sites: serve a dict of routes or a folder on 127.0.0.1 from a background thread.

    with serve_site({"/": page("<title>Home</title>")}) as site:
        crawl(site.url + "/")
        assert site.requests[0].path == "/"

A route value is a :class:`Response`, a ``(status, headers, body)`` tuple, or a callable taking the
:class:`Request` and returning either. Unknown paths answer 404. Every request is logged in
``site.requests``.
"""

from __future__ import annotations

import mimetypes
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

Headers = Mapping[str, str]


@dataclass
class Response:
    status: int = 200
    headers: Headers = field(default_factory=dict)
    body: bytes | str = b""
    delay_s: float = 0.0

    def encoded(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]


Route = Response | tuple[int, Headers, bytes | str] | Callable[[Request], "Route"]


def page(html: str, status: int = 200, **headers: str) -> Response:
    """An HTML response (``headers`` keyword names use ``_`` for ``-``)."""
    merged = {"Content-Type": "text/html; charset=utf-8"}
    merged.update({k.replace("_", "-"): v for k, v in headers.items()})
    return Response(status, merged, html)


def redirect(location: str, status: int = 301) -> Response:
    return Response(status, {"Location": location}, b"")


@dataclass
class Site:
    """A running site: its base URL (no trailing slash) and the requests it has answered."""

    url: str
    port: int
    routes: dict[str, Route]
    requests: list[Request] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


def _resolve(route: Route, request: Request) -> Response:
    while callable(route) and not isinstance(route, Response):
        route = route(request)
    if isinstance(route, Response):
        return route
    status, headers, body = route
    return Response(status, headers, body)


def folder_routes(folder: Path) -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            rel = "/" + path.relative_to(folder).as_posix()
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            routes[rel] = Response(200, {"Content-Type": kind}, path.read_bytes())
            if path.name == "index.html":
                routes[rel[: -len("index.html")]] = routes[rel]
    return routes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    site: Site

    def do_GET(self) -> None:
        request = Request("GET", self.path, {k.lower(): v for k, v in self.headers.items()})
        self.site.requests.append(request)
        route = self.site.routes.get(self.path) or self.site.routes.get(self.path.split("?")[0])
        response = _resolve(route, request) if route is not None else Response(404, {}, "")
        if response.delay_s:
            time.sleep(response.delay_s)
        body = response.encoded()
        self.send_response(response.status)
        names = {k.lower() for k in response.headers}
        for name, value in response.headers.items():
            self.send_header(name, value)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up early (timeouts, size limits) are expected; stay quiet."""


@contextmanager
def serve_site(routes: Mapping[str, Route] | Path, host: str = "127.0.0.1") -> Iterator[Site]:
    """Serve ``routes`` (or the files of a folder) on ``host`` at a free port until exit."""
    table = folder_routes(routes) if isinstance(routes, Path) else dict(routes)
    server = _Server((host, 0), _Handler)
    port = server.server_address[1]
    site = Site(f"http://{host}:{port}", port, table)
    server.RequestHandlerClass = type("Handler", (_Handler,), {"site": site})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
