from __future__ import annotations

import asyncio

import pytest

from seology_pipeline.crawl.guard import NetworkGuard, NetworkGuardError, check_url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8080/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
    ],
)
def test_internal_addresses_are_refused(url: str) -> None:
    with pytest.raises(NetworkGuardError, match="refused internal address"):
        check_url(url)


def test_public_addresses_pass_and_private_can_be_allowed() -> None:
    check_url("http://93.184.216.34/")
    check_url("http://127.0.0.1/", allow_private=True)
    check_url("http://127.0.0.1/", allowlist=["127.0.0.0/8"])
    with pytest.raises(NetworkGuardError):
        check_url("http://169.254.169.254/", allowlist=["127.0.0.0/8"])


def test_not_a_web_url_is_a_clear_error() -> None:
    for url in ("file:///etc/passwd", "gopher://x/", "http://", "http://a:99999/"):
        with pytest.raises(NetworkGuardError, match=r"URL|port"):
            check_url(url)


def test_async_guard_caches_and_agrees() -> None:
    guard = NetworkGuard()

    async def run() -> None:
        with pytest.raises(NetworkGuardError):
            await guard.check("http://localhost:1/")
        with pytest.raises(NetworkGuardError):
            await guard.check("http://localhost:1/again")
        await guard.check("http://8.8.8.8/")

    asyncio.run(run())
    assert ("localhost", 1) in guard._cache


@pytest.mark.parametrize(
    "host",
    [
        "::ffff:169.254.169.254",  # IPv4-mapped
        "::169.254.169.254",  # IPv4-compatible
        "::10.0.0.1",
        "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
        "2001:0:a00:1::1",  # Teredo, server 10.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "64:ff9b::c0a8:101",  # NAT64 of 192.168.1.1
    ],
)
def test_ipv6_transition_forms_are_judged_by_their_embedded_ipv4(host: str) -> None:
    with pytest.raises(NetworkGuardError, match="refused internal address"):
        check_url(f"http://[{host}]/")


def test_transition_forms_of_public_or_allowlisted_ipv4_pass() -> None:
    check_url("http://[2002:808:808::1]/")  # 6to4 of 8.8.8.8
    check_url("http://[64:ff9b::808:808]/")  # NAT64 of 8.8.8.8
    check_url("http://[::ffff:127.0.0.1]/", allowlist=["127.0.0.1/32"])
    with pytest.raises(NetworkGuardError):
        check_url("http://[2002:a9fe:a9fe::]/", allowlist=["127.0.0.1/32"])
