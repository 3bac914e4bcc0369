"""Per-host politeness that slows a host down only while it keeps saying it is overloaded.

Each host has a number of requests allowed in flight (the setting, at most) and a minimum spacing
between request starts: the delay setting or robots.txt ``crawl-delay`` (mandatory), plus an
adaptive delay. In the spirit of Scrapy's AutoThrottle: when 429/503 answers keep coming (not a
single one), the host's concurrency halves and its delay doubles (at least one response time);
each good answer moves the delay towards ``latency / concurrency`` and a window of good answers
gives one slot back. Adaptive waiting is charged to a :class:`PolitenessBudget` shared with the
crawler's ``Retry-After`` waits, so a crawl never waits longer in total than the budget.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

OVERLOAD_STATUSES = frozenset({429, 503})
# Overload answers in a row (each good answer takes one back) before a host is slowed down.
SLOW_AFTER = 2
MAX_ADAPTIVE_DELAY_S = 10.0


class PolitenessBudget:
    """Seconds a crawl may spend waiting for politeness (beyond mandatory delays)."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds
        self.spent = 0.0

    def take(self, seconds: float) -> bool:
        """Spend ``seconds`` if all of them are left; False (nothing spent) otherwise."""
        if seconds > self.left:
            return False
        self.left -= seconds
        self.spent += seconds
        return True

    def take_up_to(self, seconds: float) -> float:
        """Spend at most ``seconds``; returns what was granted."""
        granted = max(0.0, min(seconds, self.left))
        self.left -= granted
        self.spent += granted
        return granted


@dataclass
class _Host:
    limit: int
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    spacing: asyncio.Lock = field(default_factory=asyncio.Lock)
    in_flight: int = 0
    last_start: float = float("-inf")
    delay_s: float = 0.0  # adaptive part
    errors: int = 0
    good_in_a_row: int = 0
    slowdowns: int = 0


class HostGate:
    """Hands out request slots per host and adapts each host's pace to its answers."""

    def __init__(
        self, per_host: int, delay_s: float = 0.0, budget: PolitenessBudget | None = None
    ) -> None:
        self.per_host = per_host
        self.delay_s = delay_s
        self.budget = budget or PolitenessBudget(float("inf"))
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(self.per_host)
        return state

    def limit(self, host: str) -> int:
        """Requests currently allowed in flight to ``host``."""
        return self._host(host).limit

    @property
    def slowdowns(self) -> int:
        """How many times any host was slowed down."""
        return sum(state.slowdowns for state in self._hosts.values())

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of ``host``'s request slots, after its spacing since the last start."""
        state = self._host(host)
        async with state.changed:
            await state.changed.wait_for(lambda: state.in_flight < state.limit)
            state.in_flight += 1
        try:
            async with state.spacing:
                now = time.monotonic()
                mandatory = max(0.0, state.last_start + self.delay_s - now)
                wanted = max(0.0, state.last_start + max(self.delay_s, state.delay_s) - now)
                wait = mandatory + self.budget.take_up_to(wanted - mandatory)
                if wait > 0:
                    await asyncio.sleep(wait)
                state.last_start = time.monotonic()
            yield
        finally:
            async with state.changed:
                state.in_flight -= 1
                state.changed.notify_all()

    async def observe(self, host: str, status: int | None, latency_s: float) -> None:
        """Adapt ``host``'s pace to one answer (``status`` None: no answer)."""
        state = self._host(host)
        if status in OVERLOAD_STATUSES:
            state.good_in_a_row = 0
            state.errors += 1
            if state.errors >= SLOW_AFTER:
                state.errors = 0
                state.slowdowns += 1
                state.limit = max(1, state.limit // 2)
                state.delay_s = min(MAX_ADAPTIVE_DELAY_S, max(2 * state.delay_s, latency_s))
            return
        if status is None:
            return
        state.errors = max(0, state.errors - 1)
        if state.delay_s > 0:
            target = latency_s / state.limit
            state.delay_s = (state.delay_s + target) / 2
            if state.delay_s < 0.001:
                state.delay_s = 0.0
        if state.limit < self.per_host:
            state.good_in_a_row += 1
            if state.good_in_a_row >= state.limit:
                state.good_in_a_row = 0
                state.limit += 1
                async with state.changed:
                    state.changed.notify_all()


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
