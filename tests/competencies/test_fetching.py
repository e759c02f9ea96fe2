"""Fetching a CASE package: what the domain asks a provider for and what each answer means.

The HTTP is the shell's (tests/lti_tool/outbound/test_case_documents.py runs it against a real
server); here a plain function answers as a provider would.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from competencies.fetching import (
    FetchedDocument,
    FetchError,
    fetch_package,
    fetch_package_json,
    package_url,
)
from tests.competencies.formats.case_packages import DOC, small_package

BODY = json.dumps(small_package()).encode()


class Provider:
    """Answers like a CASE provider, or misbehaves, depending on the path; records requests."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, dict[str, str]]] = []

    def __call__(self, url: str, *, headers: Mapping[str, str], max_bytes: int,
                 timeout: float) -> FetchedDocument:
        self.asked.append((url, dict(headers)))
        path = url.split("//", 1)[1].split("/", 1)[1]
        if path == f"ims/case/v1p1/CFPackages/{DOC}":
            return FetchedDocument(200, "application/json", BODY)
        if path.startswith("html/"):
            return FetchedDocument(200, "text/html", b"<html>login</html>")
        if path.startswith("private/"):
            return FetchedDocument(401, "application/json", b"{}")
        return FetchedDocument(404, "application/json", b'{"error": "not found"}')


@pytest.fixture
def provider() -> Provider:
    return Provider()


def test_a_package_is_fetched_and_read(provider: Provider) -> None:
    package = fetch_package(provider, "https://case.test", DOC)
    assert package.framework.title == "Test Framework" and len(package.items) == 5
    (url, headers), = provider.asked
    assert url == f"https://case.test/ims/case/v1p1/CFPackages/{DOC}"
    assert headers == {"Accept": "application/json"}


def test_a_token_is_sent_as_a_bearer_header(provider: Provider) -> None:
    fetch_package_json(provider, "https://case.test", DOC, token="t-1")
    assert provider.asked[0][1]["Authorization"] == "Bearer t-1"


def test_identifiers_are_escaped_in_the_url() -> None:
    assert package_url("https://case.test/", "http://purl.org/ASN/resources/D10003FB") == \
        "https://case.test/ims/case/v1p1/CFPackages/http%3A%2F%2Fpurl.org%2FASN%2Fresources%2FD10003FB"


@pytest.mark.parametrize(("path", "words"), [
    ("", "no such package (404)"),
    ("/private", "refused access (401)"),
    ("/html", "text/html, not JSON"),
])
def test_provider_failures_are_explained(provider: Provider, path: str, words: str) -> None:
    with pytest.raises(FetchError, match=words.replace("(", r"\(").replace(")", r"\)")):
        fetch_package_json(provider, "https://case.test" + path, "not-published-here")


@pytest.mark.parametrize("base", ["ftp://case.test", "file:///etc", "case.test"])
def test_only_http_addresses_are_fetched(base: str) -> None:
    with pytest.raises(FetchError, match="not an http"):
        package_url(base, DOC)
