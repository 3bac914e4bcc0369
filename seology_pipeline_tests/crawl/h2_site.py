"""A static site served over HTTP/2 only (TLS with ALPN ``h2``) on 127.0.0.1, from a thread.

The certificate authority and the server's certificate (for ``127.0.0.1``) are made for the test
with ``cryptography``; the CA's PEM file is what a crawl trusts through ``ca_bundle``.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import h2.config
import h2.connection
import h2.events
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class H2Site:
    url: str
    ca_file: Path
    protocols: list[str] = field(default_factory=list)
    """ALPN protocol of each connection the server accepted."""
    paths: list[str] = field(default_factory=list)
    """Path of each request the server answered, in order."""


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA and a certificate for 127.0.0.1 it signed: (CA file, cert file, key file)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("seology test CA"))
        .issuer_name(_name("seology test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


class _H2Protocol(asyncio.Protocol):
    """One HTTP/2 connection: answers each request from ``pages`` (404 otherwise)."""

    def __init__(self, pages: dict[str, str], site: H2Site) -> None:
        self.pages = pages
        self.site = site
        self.conn = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=False, header_encoding="utf-8")
        )
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        ssl_object = transport.get_extra_info("ssl_object")
        self.site.protocols.append(ssl_object.selected_alpn_protocol() if ssl_object else None)
        self.conn.initiate_connection()
        transport.write(self.conn.data_to_send())

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        for event in self.conn.receive_data(data):
            if isinstance(event, h2.events.RequestReceived):
                self._answer(event.stream_id, dict(event.headers))
        self.transport.write(self.conn.data_to_send())

    def _answer(self, stream_id: int, headers: dict[str, str]) -> None:
        path = headers.get(":path", "/").split("?")[0]
        self.site.paths.append(path)
        body = self.pages.get(path)
        status, payload = ("200", body.encode()) if body is not None else ("404", b"not found")
        self.conn.send_headers(
            stream_id,
            [
                (":status", status),
                ("content-type", "text/html; charset=utf-8"),
                ("content-length", str(len(payload))),
            ],
        )
        self.conn.send_data(stream_id, payload, end_stream=True)  # small: within the window


@contextmanager
def serve_h2_site(pages: dict[str, str], folder: Path) -> Iterator[H2Site]:
    """Serve ``pages`` (path -> HTML) over HTTP/2 with TLS; offers ``h2`` and nothing else."""
    ca_file, cert_file, key_file = _certificates(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    context.set_alpn_protocols(["h2"])
    loop = asyncio.new_event_loop()
    site = H2Site(url="", ca_file=ca_file)
    server = loop.run_until_complete(
        loop.create_server(lambda: _H2Protocol(pages, site), "127.0.0.1", 0, ssl=context)
    )
    site.url = f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()
