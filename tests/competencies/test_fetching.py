"""Fetching a CASE package from a provider's REST API (a real HTTP server on 127.0.0.1)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

from competencies.fetching import FetchError, fetch_package, fetch_package_json, package_url
from tests.competencies.formats.case_packages import DOC, small_package
from tests.loopback import LoopbackServer, QuietHandler

BODY = json.dumps(small_package()).encode()


class _Provider(QuietHandler):
    """Answers like a CASE provider, or misbehaves, depending on the path."""

    def do_GET(self) -> None:
        if self.path == f"/ims/case/v1p1/CFPackages/{DOC}":
            self.reply(200, BODY, "application/json; charset=utf-8")
        elif self.path.startswith("/html/ims/case/v1p1/CFPackages/"):
            self.reply(200, b"<html>login</html>", "text/html")
        elif self.path.startswith("/endless/ims/case/v1p1/CFPackages/"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()  # no Content-Length: the client must count for itself
            try:
                for _ in range(200):
                    self.wfile.write(b" " * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif self.path.startswith("/slow/"):
            threading.Event().wait(2)
            self.reply(200, b"{}")
        elif self.path.startswith("/private/"):
            self.reply(401, b"{}")
        else:
            self.reply(404, b'{"error": "not found"}')


@pytest.fixture
def provider() -> Iterator[str]:
    # A client that gives up (timeout, byte limit) is what these tests provoke.
    with LoopbackServer(_Provider, ignore_client_errors=True) as server:
        yield server.origin


def test_a_package_is_fetched_and_read(provider: str) -> None:
    package = fetch_package(provider, DOC)
    assert package.framework.title == "Test Framework" and len(package.items) == 5


def test_identifiers_are_escaped_in_the_url() -> None:
    assert package_url("https://case.test/", "http://purl.org/ASN/resources/D10003FB") == \
        "https://case.test/ims/case/v1p1/CFPackages/http%3A%2F%2Fpurl.org%2FASN%2Fresources%2FD10003FB"


@pytest.mark.parametrize(("path", "words"), [
    ("", "no such package (404)"),
    ("/private", "refused access (401)"),
    ("/html", "text/html, not JSON"),
])
def test_provider_failures_are_explained(provider: str, path: str, words: str) -> None:
    with pytest.raises(FetchError, match=words.replace("(", r"\(").replace(")", r"\)")):
        fetch_package_json(provider + path, "not-published-here")


def test_a_body_over_the_byte_limit_stops_the_read(provider: str) -> None:
    with pytest.raises(FetchError, match="more than 1,000,000 bytes; stopped reading"):
        fetch_package_json(provider + "/endless", "x", max_bytes=1_000_000)


def test_an_announced_length_over_the_limit_is_refused_before_reading(provider: str) -> None:
    with pytest.raises(FetchError, match="announces .* over the limit"):
        fetch_package_json(provider, DOC, max_bytes=100)


def test_a_slow_provider_times_out(provider: str) -> None:
    with pytest.raises(FetchError, match="did not answer within 0.3 seconds"):
        fetch_package_json(provider + "/slow", "x", timeout=0.3)


@pytest.mark.parametrize("base", ["ftp://case.test", "file:///etc", "case.test"])
def test_only_http_addresses_are_fetched(base: str) -> None:
    with pytest.raises(FetchError, match="not an http"):
        package_url(base, DOC)
