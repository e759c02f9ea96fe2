"""The client connects to the address it judged: one DNS answer per request, and TLS still
checks the certificate for the name.

No DNS server runs here, so the resolver is the one stand-in: ``socket.getaddrinfo`` answers
for ``platform.test`` (and counts how often it is asked); everything else is real: an HTTPS
server on 127.0.0.1 with a certificate for ``platform.test`` signed by a test CA.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from lti_tool.outbound.addresses import AddressPolicy
from lti_tool.outbound.client import OutboundClient, OutboundRefused
from tests.loopback import LoopbackServer, QuietHandler

NAME = "platform.test"


class _Seen(QuietHandler):
    hosts: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        _Seen.hosts.append(self.headers.get("Host", ""))
        self.reply_json(200, {"sni_ok": True})


def _certificates(tmp: Path) -> tuple[Path, Path, Path]:
    """A CA, and a server certificate for platform.test it signed: (ca, cert, key) files."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Worklink test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = tmp / "ca.pem", tmp / "cert.pem", tmp / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@pytest.fixture
def https_platform(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    ca, cert, key = _certificates(tmp_path)
    server = LoopbackServer(_Seen, ignore_client_errors=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    _Seen.hosts = []
    yield server.httpd.server_address[1], ca
    server.close()


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """platform.test resolves to 127.0.0.1 the first time and to 10.0.0.1 after (rebinding)."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == NAME:
            asked.append(host)
            address = "127.0.0.1" if len(asked) == 1 else "10.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def _client() -> OutboundClient:
    return OutboundClient(AddressPolicy.parse(["127.0.0.1"]), user_agent="t", timeout=5)


def test_https_connects_to_the_checked_address_and_verifies_the_name(
        https_platform: tuple[int, Path], resolver: list[str]) -> None:
    port, ca = https_platform
    session = _client().session()
    session.verify = str(ca)
    response = session.get(f"https://{NAME}:{port}/jwks")
    assert response.json() == {"sni_ok": True}
    assert _Seen.hosts == [f"{NAME}:{port}"]
    assert resolver == [NAME]  # asked once: the connection did not ask again


def test_a_second_dns_answer_is_judged_not_trusted(
        https_platform: tuple[int, Path], resolver: list[str]) -> None:
    """DNS rebinding: the next request's answer is a private address, refused before connecting."""
    port, ca = https_platform
    session = _client().session()
    session.verify = str(ca)
    session.get(f"https://{NAME}:{port}/first")
    with pytest.raises(OutboundRefused, match="private address"):
        session.get(f"https://{NAME}:{port}/second")
    assert _Seen.hosts == [f"{NAME}:{port}"]


def test_a_certificate_for_another_name_is_refused(
        https_platform: tuple[int, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Pinning the address must not switch off the check that the certificate names the host."""
    port, ca = https_platform
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, p: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "other.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", p))]
        return real(host, p, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    session = _client().session()
    session.verify = str(ca)
    with pytest.raises(requests.exceptions.SSLError):
        session.get(f"https://other.test:{port}/jwks")
