"""A loopback HTTP proxy that refuses every request, for the traffic CDP's Fetch domain never sees.

Chromium is told to send everything except ``http``/``https`` requests (which go direct and are
checked by the network guard through the Fetch domain) to this proxy: WebSockets (``ws``/``wss``,
from pages and from workers alike) reach it as ``CONNECT`` requests and are answered 403, so none
of them leaves the machine, whatever the browser's own protections. Loopback is not bypassed.
"""

from __future__ import annotations

import asyncio
import contextlib

REFUSAL = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
# Chromium's bypass rules: plain web requests go direct; ``<-loopback>`` removes the implicit
# loopback bypass, so a WebSocket to 127.0.0.1 is refused too.
BYPASS = "<-loopback>;http://*;https://*"


class RefusingProxy:
    """Listens on 127.0.0.1 (a free port) while started."""

    def __init__(self) -> None:
        self._server: asyncio.Server | None = None
        self.refused = 0

    async def start(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._refuse, "127.0.0.1", 0)

    @property
    def port(self) -> int:
        assert self._server is not None, "start() first"
        return self._server.sockets[0].getsockname()[1]

    def chromium_args(self) -> list[str]:
        """Flags routing every non-http(s) request of the browser to this proxy; QUIC off."""
        return [
            f"--proxy-server=http://127.0.0.1:{self.port}",
            f"--proxy-bypass-list={BYPASS}",
            "--disable-quic",
        ]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    async def _refuse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.refused += 1
        with contextlib.suppress(
            ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError
        ):
            await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            writer.write(REFUSAL)
            await writer.drain()
        with contextlib.suppress(Exception):
            writer.close()
