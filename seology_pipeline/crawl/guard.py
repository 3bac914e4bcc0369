"""The network guard: refuse URLs whose host resolves to an internal address.

Loopback, private, link-local (cloud metadata at 169.254.169.254), multicast, reserved and
unspecified addresses are refused unless private networks are allowed, or the address falls in an
explicit allow-list. Every address a host resolves to must pass, so a name with one public and one
private address is refused. An IPv6 transition address (IPv4-mapped, IPv4-compatible, 6to4,
Teredo, NAT64) is judged by the IPv4 address it embeds. Use :func:`check_url` (blocking) when a
user adds a site, and :class:`NetworkGuard` (async, cached) inside the crawler.

The check resolves the name separately from the HTTP client and the browser, so a DNS server that
changes its answer between the two (DNS rebinding) is not caught; the short cache keeps that
window small.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class NetworkGuardError(ValueError):
    """The URL points at an address the guard refuses."""


class HostResolutionError(OSError):
    """The host name did not resolve (DNS failure)."""


NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # well-known prefix: the IPv4 in the low 32 bits
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 transition address carries (IPv4-mapped, IPv4-compatible,
    6to4, Teredo server and client, NAT64), or [] for a plain IPv6 address."""
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)
    low = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in NAT64:
        return [low]
    if address in IPV4_COMPATIBLE and int(address) > 1:  # not :: nor ::1
        return [low]
    return []


def judged_addresses(address: IPAddress) -> list[IPAddress]:
    """The addresses that decide about ``address``: the embedded IPv4 of a transition form."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded:
            return list(embedded)
    return [address]


def is_internal(address: IPAddress) -> bool:
    """True for any address that is not a public unicast Internet address (an IPv6 transition
    address is judged by the IPv4 it embeds)."""
    return any(_internal(judged) for judged in judged_addresses(address))


def _internal(address: IPAddress) -> bool:
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


class NetworkGuard:
    """Decides, with a small TTL cache, whether a URL may be fetched."""

    def __init__(
        self,
        allow_private: bool = False,
        allowlist: Iterable[str] = (),
        cache_ttl_s: float = 30.0,
    ) -> None:
        self.allow_private = allow_private
        self.allowlist: list[IPNetwork] = [ipaddress.ip_network(n, strict=False) for n in allowlist]
        self.cache_ttl_s = cache_ttl_s
        self._cache: dict[tuple[str, int], tuple[float, str | None]] = {}

    @property
    def active(self) -> bool:
        """False when every address is allowed (no check needed)."""
        return not self.allow_private

    def refusal(self, addresses: Iterable[IPAddress]) -> str | None:
        """Why these addresses are refused, or None when all are allowed."""
        if self.allow_private:
            return None
        for address in addresses:
            for judged in judged_addresses(address):
                if _internal(judged) and not any(judged in net for net in self.allowlist):
                    return f"refused internal address {address}"
        return None

    async def check(self, url: str) -> None:
        """Raise :class:`NetworkGuardError` (or :class:`HostResolutionError`) for a refused URL."""
        if not self.active:
            return
        host, port = _host_port(url)
        key = (host, port)
        cached = self._cache.get(key)
        now = time.monotonic()
        if cached is None or cached[0] < now:
            reason = self.refusal(await _resolve_async(host, port))
            self._cache[key] = (now + self.cache_ttl_s, reason)
        else:
            reason = cached[1]
        if reason:
            raise NetworkGuardError(f"{url}: {reason}")

    def check_sync(self, url: str) -> None:
        """Blocking :meth:`check`, for callers outside an event loop."""
        if not self.active:
            return
        host, port = _host_port(url)
        reason = self.refusal(_resolve(host, port))
        if reason:
            raise NetworkGuardError(f"{url}: {reason}")


def check_url(url: str, allow_private: bool = False, allowlist: Iterable[str] = ()) -> None:
    """Validate a URL a user typed: http(s), a host, and (unless allowed) a public address.

    Raises :class:`NetworkGuardError` (a ``ValueError``) with a message saying what is wrong.
    """
    NetworkGuard(allow_private, allowlist).check_sync(url)


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NetworkGuardError(f"{url!r} is not an absolute http(s) URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise NetworkGuardError(f"{url!r} has an invalid port") from None
    return parts.hostname, port


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _addresses(infos: list[tuple]) -> list[IPAddress]:
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _resolve(host: str, port: int) -> list[IPAddress]:
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        return _addresses(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
    except (socket.gaierror, UnicodeError) as exc:
        raise HostResolutionError(f"cannot resolve {host}: {exc}") from None


async def _resolve_async(host: str, port: int) -> list[IPAddress]:
    literal = _literal(host)
    if literal is not None:
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HostResolutionError(f"cannot resolve {host}: {exc}") from None
    return _addresses(infos)
