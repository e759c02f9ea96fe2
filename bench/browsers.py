"""The simulated user's browser: a cookie jar of its own and GET/POST without following redirects.

Two kinds, with one interface:

- ``RequestsBrowser`` wraps a ``requests.Session`` (the brief's client): faithful cookie handling,
  but ~2 ms of client CPU per request in Python, which on a 2-core machine competes with the
  server it measures and, in one process, caps the client below ~250 launches/s (the GIL).
- ``LeanBrowser`` speaks HTTP/1.1 with ``http.client`` and keeps cookies in a dict (host-wide,
  ``Max-Age``/``Expires`` deletions honoured; the tools measured here set ``Path=/``). It does the
  same requests for a fraction of the CPU, so launches/s measure the server, not the client.
"""

from __future__ import annotations

import dataclasses
import email.utils
import http.client
import time
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import urlencode, urlsplit

import requests

USER_AGENT = "worklink-launch-bench/1"


@dataclasses.dataclass(frozen=True)
class Answer:
    status_code: int
    location: str | None
    text: str


class HttpBrowser(Protocol):
    def get(self, url: str, params: Mapping[str, str]) -> Answer: ...

    def post(self, url: str, data: Mapping[str, str]) -> Answer: ...

    def close(self) -> None: ...


class RequestsBrowser:
    def __init__(self) -> None:
        self.session = requests.Session()
        self.session.trust_env = False  # 127.0.0.1 only: no proxy or netrc lookups per request
        self.session.headers["User-Agent"] = USER_AGENT

    def get(self, url: str, params: Mapping[str, str]) -> Answer:
        return self._answer(self.session.get(url, params=params, allow_redirects=False, timeout=30))

    def post(self, url: str, data: Mapping[str, str]) -> Answer:
        return self._answer(self.session.post(url, data=data, allow_redirects=False, timeout=30))

    @staticmethod
    def _answer(response: requests.Response) -> Answer:
        return Answer(response.status_code, response.headers.get("Location"), response.text)

    def close(self) -> None:
        self.session.close()


class LeanBrowser:
    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def get(self, url: str, params: Mapping[str, str]) -> Answer:
        return self._request("GET", url, params=params)

    def post(self, url: str, data: Mapping[str, str]) -> Answer:
        return self._request("POST", url, body=urlencode(data).encode())

    def close(self) -> None:
        self.cookies.clear()

    def _request(self, method: str, url: str, *, params: Mapping[str, str] | None = None,
                 body: bytes | None = None) -> Answer:
        parts = urlsplit(url)
        query = "&".join(q for q in (parts.query, urlencode(params) if params else "") if q)
        target = (parts.path or "/") + (f"?{query}" if query else "")
        headers = {"Host": parts.netloc, "User-Agent": USER_AGENT, "Accept": "*/*"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port,
                                                    timeout=30)
            try:
                connection.request(method, target, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
            finally:
                connection.close()
        except (OSError, http.client.HTTPException) as exc:
            # The same failure type as RequestsBrowser, so launches count it the same way.
            raise requests.ConnectionError(f"{method} {url}: {exc}") from exc
        for header in response.headers.get_all("Set-Cookie") or ():
            self._store(header)
        return Answer(response.status, response.headers.get("Location"),
                      content.decode("utf-8", "replace"))

    def _store(self, header: str) -> None:
        pair, *attributes = header.split(";")
        name, _, value = pair.strip().partition("=")
        if cookie_is_deleted(attributes):
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value


def cookie_is_deleted(attributes: list[str]) -> bool:
    """True for ``Max-Age=0`` (or less) or an ``Expires`` in the past, as servers delete cookies."""
    found: dict[str, str] = {}
    for attribute in attributes:
        key, _, value = attribute.strip().partition("=")
        found[key.lower()] = value.strip()
    if "max-age" in found:
        try:
            return int(found["max-age"]) <= 0
        except ValueError:
            return False
    if "expires" in found:
        try:
            return email.utils.parsedate_to_datetime(found["expires"]).timestamp() <= time.time()
        except (TypeError, ValueError):
            return False
    return False


BROWSERS: dict[str, type[RequestsBrowser] | type[LeanBrowser]] = {
    "requests": RequestsBrowser,
    "lean": LeanBrowser,
}
