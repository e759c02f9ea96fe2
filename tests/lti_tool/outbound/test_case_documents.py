"""CASE packages fetched over real HTTP through the outbound client (the domain's Fetch port)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

from competencies.fetching import FetchError, fetch_package, fetch_package_json
from lti_tool.outbound.addresses import AddressPolicy
from lti_tool.outbound.client import OutboundClient
from lti_tool.outbound.documents import document_fetcher
from tests.competencies.formats.case_packages import DOC, small_package
from tests.loopback import LoopbackServer, QuietHandler

BODY = json.dumps(small_package()).encode()


class _Provider(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802
        if self.path == f"/ims/case/v1p1/CFPackages/{DOC}":
            self.reply(200, BODY, "application/json; charset=utf-8")
        elif self.path.startswith("/moved/"):
            self.send_response(301)
            self.send_header("Location", self.path.removeprefix("/moved"))
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/endless/"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b" " * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif self.path.startswith("/slow/"):
            threading.Event().wait(2)
            self.reply(200, b"{}")
        else:
            self.reply(404, b'{"error": "not found"}')


@pytest.fixture
def provider() -> Iterator[str]:
    with LoopbackServer(_Provider, ignore_client_errors=True) as server:
        yield server.origin


@pytest.fixture
def fetch():  # type: ignore[no-untyped-def]
    return document_fetcher(OutboundClient(AddressPolicy.parse(["127.0.0.1"]), user_agent="t"))


def test_a_package_is_fetched_and_read(provider: str, fetch) -> None:  # type: ignore[no-untyped-def]
    package = fetch_package(fetch, provider, DOC)
    assert len(package.items) == 5


def test_a_provider_that_moved_is_followed(provider: str, fetch) -> None:  # type: ignore[no-untyped-def]
    assert fetch_package_json(fetch, provider + "/moved", DOC) == BODY


def test_a_body_over_the_byte_limit_stops_the_read(provider: str, fetch) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FetchError, match="more than 1,000,000 bytes; stopped reading"):
        fetch_package_json(fetch, provider + "/endless", "x", max_bytes=1_000_000)


def test_an_announced_length_over_the_limit_is_refused_before_reading(provider: str, fetch) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FetchError, match="announced .* over the limit"):
        fetch_package_json(fetch, provider, DOC, max_bytes=100)


def test_a_slow_provider_times_out(provider: str, fetch) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FetchError, match="did not answer within 0.3 seconds"):
        fetch_package_json(fetch, provider + "/slow", "x", timeout=0.3)


def test_a_provider_on_a_refused_address_is_never_asked() -> None:
    fetch = document_fetcher(OutboundClient(AddressPolicy(), user_agent="t"))
    with pytest.raises(FetchError, match="loopback"):
        fetch_package_json(fetch, "http://127.0.0.1:9", DOC)
