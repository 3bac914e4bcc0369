"""Per-host politeness: a bounded number of requests in flight, a minimum spacing between request
starts (the delay setting or robots.txt crawl-delay), and pauses after 429/503 answers."""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class _Host:
    slots: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    paused_until: float = 0.0


class HostGate:
    """Hands out request slots per host."""

    def __init__(self, per_host: int, delay_s: float = 0.0) -> None:
        self.per_host = per_host
        self.delay_s = delay_s
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(asyncio.Semaphore(self.per_host))
        return state

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of ``host``'s request slots, waiting for its delay or pause first."""
        state = self._host(host)
        async with state.slots:
            async with state.lock:
                wait = max(state.next_start, state.paused_until) - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                state.next_start = time.monotonic() + self.delay_s
            yield

    def pause(self, host: str, seconds: float) -> None:
        """Start no request to ``host`` for ``seconds``."""
        state = self._host(host)
        state.paused_until = max(state.paused_until, time.monotonic() + seconds)


def retry_after_seconds(value: str | None, default: float) -> float:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), else ``default``."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())
