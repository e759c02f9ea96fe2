"""Fetch a CASE package from a CASE provider's REST API (``/ims/case/v1p1/CFPackages/{id}``).

A provider is a server someone else runs. The domain decides what to ask for and what an answer
means; the HTTP itself is a :class:`Fetch` the caller hands in (the shell's outbound client,
which checks the address it connects to, bounds the answer and times it out), so the domain
never opens a socket.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from collections.abc import Mapping
from typing import Protocol

from competencies.formats import case_json
from competencies.package import FrameworkPackage

CASE_VERSIONS = ("v1p1", "v1p0")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


class FetchError(Exception):
    """The package could not be fetched; the message says why, for a person to read."""


@dataclasses.dataclass(frozen=True)
class FetchedDocument:
    status: int
    content_type: str
    """The media type alone, lower case: ``application/json``."""
    body: bytes


class Fetch(Protocol):
    def __call__(self, url: str, *, headers: Mapping[str, str], max_bytes: int,
                 timeout: float) -> FetchedDocument:
        """GET ``url``; raise :class:`FetchError` when no whole answer arrives (an address the
        shell does not connect to, no answer, more than ``max_bytes``, too slow)."""


def package_url(base_url: str, identifier: str, version: str = "v1p1") -> str:
    """``{base}/ims/case/{version}/CFPackages/{identifier}``; ``base_url`` is the provider root."""
    if version not in CASE_VERSIONS:
        raise ValueError(f"CASE API version must be one of {', '.join(CASE_VERSIONS)}")
    parsed = urllib.parse.urlsplit(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise FetchError(f"{base_url!r} is not an http(s) address of a CASE provider")
    quoted = urllib.parse.quote(identifier, safe="")
    return f"{base_url.rstrip('/')}/ims/case/{version}/CFPackages/{quoted}"


def fetch_package_json(fetch: Fetch, base_url: str, identifier: str, *, version: str = "v1p1",
                       timeout: float = 10.0, max_bytes: int = DEFAULT_MAX_BYTES,
                       token: str | None = None) -> bytes:
    """The raw CFPackage body; raises :class:`FetchError` for anything but a JSON 200."""
    url = package_url(base_url, identifier, version)
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    answer = fetch(url, headers=headers, max_bytes=max_bytes, timeout=timeout)
    if answer.status != 200:
        raise FetchError(_http_problem(url, answer.status))
    content_type = answer.content_type
    if not (content_type == "application/json" or content_type.endswith("+json")):
        raise FetchError(f"{url} answered with {content_type}, not JSON; is this the "
                         "CASE API root of the provider?")
    return answer.body


def fetch_package(fetch: Fetch, base_url: str, identifier: str, *, version: str = "v1p1",
                  timeout: float = 10.0, max_bytes: int = DEFAULT_MAX_BYTES,
                  token: str | None = None) -> FrameworkPackage:
    """Fetch and read a CFPackage; reading problems are deviations in the package."""
    body = fetch_package_json(fetch, base_url, identifier, version=version, timeout=timeout,
                              max_bytes=max_bytes, token=token)
    return case_json.read(body, max_bytes=max_bytes)


def _http_problem(url: str, status: int) -> str:
    if status == 404:
        return f"{url}: no such package (404); check the identifier and the API version"
    if status in (401, 403):
        return f"{url}: the provider refused access ({status}); it may need a token"
    return f"{url}: the provider answered {status}"


__all__ = ["Fetch", "FetchError", "FetchedDocument", "fetch_package", "fetch_package_json",
           "package_url"]
