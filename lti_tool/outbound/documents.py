"""The domain's :class:`competencies.fetching.Fetch` port, served by the outbound client."""

from __future__ import annotations

from collections.abc import Mapping

import requests

from competencies.fetching import Fetch, FetchedDocument, FetchError
from lti_tool.outbound.client import (
    OutboundClient,
    OutboundRefused,
    OutboundTooLarge,
    OutboundTooSlow,
)


def document_fetcher(client: OutboundClient) -> Fetch:
    """GETs that follow a provider's redirects (each hop judged again) and speak FetchError."""

    def fetch(url: str, *, headers: Mapping[str, str], max_bytes: int,
              timeout: float) -> FetchedDocument:
        try:
            response = client.get(url, headers=headers, max_bytes=max_bytes, timeout=timeout,
                                  follow_redirects=True)
        except OutboundRefused as exc:
            raise FetchError(f"{url}: {exc}") from None
        except OutboundTooLarge as exc:
            raise FetchError(f"{exc}; stopped reading") from None
        except (OutboundTooSlow, requests.Timeout):
            raise FetchError(f"{url} did not answer within {timeout:g} seconds") from None
        except requests.RequestException as exc:
            raise FetchError(f"could not reach {url} ({type(exc).__name__})") from None
        media_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        return FetchedDocument(response.status_code, media_type, response.content)

    return fetch
