"""Fetch a CASE package from a CASE provider's REST API (``/ims/case/v1p1/CFPackages/{id}``).

A provider is a server someone else runs: the fetch has a timeout, stops reading past a byte
limit, insists on JSON and names what went wrong in words an administrator can act on.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from competencies.formats import case_json
from competencies.package import FrameworkPackage

CASE_VERSIONS = ("v1p1", "v1p0")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_READ_BLOCK = 64 * 1024


class FetchError(Exception):
    """The package could not be fetched; the message says why, for a person to read."""


def package_url(base_url: str, identifier: str, version: str = "v1p1") -> str:
    """``{base}/ims/case/{version}/CFPackages/{identifier}``; ``base_url`` is the provider root."""
    if version not in CASE_VERSIONS:
        raise ValueError(f"CASE API version must be one of {', '.join(CASE_VERSIONS)}")
    parsed = urllib.parse.urlsplit(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise FetchError(f"{base_url!r} is not an http(s) address of a CASE provider")
    quoted = urllib.parse.quote(identifier, safe="")
    return f"{base_url.rstrip('/')}/ims/case/{version}/CFPackages/{quoted}"


def fetch_package_json(base_url: str, identifier: str, *, version: str = "v1p1",
                       timeout: float = 10.0, max_bytes: int = DEFAULT_MAX_BYTES,
                       token: str | None = None) -> bytes:
    """The raw CFPackage body; raises :class:`FetchError` for anything but a JSON 200."""
    url = package_url(base_url, identifier, version)
    headers = {"Accept": "application/json", "User-Agent": "Worklink CASE importer"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            content_type = response.headers.get_content_type()
            if not (content_type == "application/json" or content_type.endswith("+json")):
                raise FetchError(f"{url} answered with {content_type}, not JSON; is this the "
                                 "CASE API root of the provider?")
            length = response.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"{url} announces {int(length):,} bytes, over the limit of "
                                 f"{max_bytes:,}; nothing was read")
            return _read_limited(response, url, max_bytes)
    except urllib.error.HTTPError as error:
        raise FetchError(_http_problem(url, error.code)) from None
    except urllib.error.URLError as error:
        raise FetchError(f"could not reach {url}: {error.reason}") from None
    except TimeoutError:
        raise FetchError(f"{url} did not answer within {timeout:g} seconds") from None


def fetch_package(base_url: str, identifier: str, *, version: str = "v1p1",
                  timeout: float = 10.0, max_bytes: int = DEFAULT_MAX_BYTES,
                  token: str | None = None) -> FrameworkPackage:
    """Fetch and read a CFPackage; reading problems are deviations in the package."""
    body = fetch_package_json(base_url, identifier, version=version, timeout=timeout,
                              max_bytes=max_bytes, token=token)
    return case_json.read(body, max_bytes=max_bytes)


def _read_limited(response: Any, url: str, max_bytes: int) -> bytes:
    body = bytearray()
    while block := response.read(_READ_BLOCK):
        body += block
        if len(body) > max_bytes:
            raise FetchError(f"{url} sent more than {max_bytes:,} bytes; stopped reading")
    return bytes(body)


def _http_problem(url: str, status: int) -> str:
    if status == 404:
        return f"{url}: no such package (404); check the identifier and the API version"
    if status in (401, 403):
        return f"{url}: the provider refused access ({status}); it may need a token"
    return f"{url}: the provider answered {status}"


__all__ = ["FetchError", "fetch_package", "fetch_package_json", "package_url"]
