"""The outbound client against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests

from lti_tool.config import Config
from lti_tool.outbound.addresses import AddressPolicy
from lti_tool.outbound.client import (
    OutboundClient,
    OutboundRefused,
    OutboundTooLarge,
    OutboundTooSlow,
)
from lti_tool.outbound.configured import client_for, user_agent
from tests.loopback import LoopbackServer, QuietHandler

LOOPBACK = AddressPolicy.parse(["127.0.0.1"])


class Recorder:
    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        recorder = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                recorder.seen.append({"path": self.path, **dict(self.headers.items())})
                if self.path == "/redirect-out":
                    self.send_response(302)
                    self.send_header("Location", "http://[::ffff:127.0.0.1]:1/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.path == "/redirect-in":
                    self.send_response(302)
                    self.send_header("Location", "/ok")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.path == "/big":
                    self.reply(200, b"x" * 5000)
                elif self.path == "/endless":
                    self.send_response(200)
                    self.end_headers()  # no Content-Length: the client must count itself
                    try:
                        for _ in range(200):
                            self.wfile.write(b" " * 65536)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                elif self.path == "/trickle":
                    self.send_response(200)
                    self.end_headers()
                    try:
                        for _ in range(100):
                            self.wfile.write(b" " * 10)
                            self.wfile.flush()
                            threading.Event().wait(0.05)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                else:
                    self.reply(200, b'{"ok": true}', headers={"Set-Cookie": "a=b; Path=/"})

        self.server = LoopbackServer(Handler, ignore_client_errors=True)
        self.origin = self.server.origin


@pytest.fixture
def server() -> Iterator[Recorder]:
    recorder = Recorder()
    yield recorder
    recorder.server.close()


def test_it_connects_to_an_allowed_address_and_names_itself(server: Recorder,
                                                           config: Config) -> None:
    response = client_for(config).get(server.origin + "/ok")
    assert response.json() == {"ok": True}
    (seen,) = server.seen
    assert seen["User-Agent"] == f"{user_agent(config)}"
    assert seen["User-Agent"].startswith("Worklink/") and "(+https://worklink.test)" in seen["User-Agent"]
    assert seen["Host"] == server.origin.removeprefix("http://")


def test_without_an_allowance_loopback_is_refused_before_connecting(server: Recorder) -> None:
    with pytest.raises(OutboundRefused, match="loopback"):
        OutboundClient(AddressPolicy(), user_agent="t").get(server.origin + "/ok")
    assert server.seen == []


def test_redirects_are_not_followed_by_default(server: Recorder) -> None:
    response = OutboundClient(LOOPBACK, user_agent="t").get(server.origin + "/redirect-in")
    assert response.status_code == 302
    assert [s["path"] for s in server.seen] == ["/redirect-in"]


def test_a_followed_redirect_is_judged_again(server: Recorder) -> None:
    client = OutboundClient(LOOPBACK, user_agent="t")
    assert client.get(server.origin + "/redirect-in", follow_redirects=True).json() == {"ok": True}
    with pytest.raises(OutboundRefused, match="IPv4-mapped"):
        client.get(server.origin + "/redirect-out", follow_redirects=True)


def test_an_answer_over_the_limit_is_refused(server: Recorder) -> None:
    client = OutboundClient(LOOPBACK, user_agent="t")
    with pytest.raises(OutboundTooLarge, match="announced 5,000 bytes"):
        client.get(server.origin + "/big", max_bytes=1000)
    with pytest.raises(OutboundTooLarge, match="more than 100,000 bytes"):
        client.get(server.origin + "/endless", max_bytes=100_000)


def test_a_trickling_answer_stops_at_the_total_time_limit(server: Recorder) -> None:
    client = OutboundClient(LOOPBACK, user_agent="t", timeout=2, total_seconds=0.3)
    with pytest.raises(OutboundTooSlow):
        client.get(server.origin + "/trickle")


def test_cookies_from_one_answer_are_never_sent_again(server: Recorder) -> None:
    client = OutboundClient(LOOPBACK, user_agent="t")
    client.get(server.origin + "/ok")
    client.get(server.origin + "/ok")
    assert "Cookie" not in server.seen[1]


def test_every_refusal_is_a_requests_exception() -> None:
    """Callers that catch requests' errors also catch a refusal."""
    for error in (OutboundRefused, OutboundTooLarge, OutboundTooSlow):
        assert issubclass(error, requests.RequestException)
