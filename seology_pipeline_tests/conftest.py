"""Suite-wide guard: no test may reach the real Anthropic API or any non-loopback host."""

from __future__ import annotations

import ipaddress
import socket

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _allowed(sock: socket.socket, address: object) -> bool:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return True  # Unix sockets and the like
    host = address[0] if isinstance(address, tuple) else address
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return str(host) == "localhost"


def _guarded_connect(sock: socket.socket, address: object) -> None:
    if not _allowed(sock, address):
        raise ConnectionRefusedError(f"test guard: connection to non-loopback {address!r} refused")
    return _real_connect(sock, address)


def _guarded_connect_ex(sock: socket.socket, address: object) -> int:
    if not _allowed(sock, address):
        raise ConnectionRefusedError(f"test guard: connection to non-loopback {address!r} refused")
    return _real_connect_ex(sock, address)


@pytest.fixture(autouse=True)
def _no_external_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the Anthropic SDK at a closed loopback port, drop any real key, block egress."""
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
