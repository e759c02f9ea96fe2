"""Platform public keys: fetched rarely, parsed once, never fetched on the launch path once cached.

Each worker keeps the parsed key objects in memory; the raw JWKS is also shared through the
ephemeral store so a second worker does not refetch. The cache lifetime follows the platform's
``Cache-Control: max-age`` within a floor and a ceiling (D2L rotates about hourly; Canvas publishes
next keys ahead). An unknown ``kid`` triggers one refetch, at most once per ``REFETCH_GAP`` per key
set, so a stream of forged kids cannot turn Worklink into a fetch amplifier.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import threading
import time
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm

from lti_tool.lti.errors import LaunchError
from lti_tool.lti.store import EphemeralStore
from lti_tool.outbound.client import OutboundClient, OutboundRefused, OutboundTooLarge

REFETCH_GAP = 10.0


@dataclasses.dataclass
class _KeySet:
    keys: dict[str, RSAPublicKey]
    expires_at: float
    fetched_at: float


class PlatformKeys:
    def __init__(self, store: EphemeralStore, client: OutboundClient, *, floor: int,
                 ceiling: int, timeout: float, max_bytes: int) -> None:
        self.store = store
        self.client = client
        self.floor = floor
        self.ceiling = ceiling
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._sets: dict[str, _KeySet] = {}
        self._lock = threading.Lock()
        self.fetch_count = 0
        """How many times this process fetched a JWKS over HTTP (the benchmark reads it)."""

    def key_for(self, *, kid: str, key_set_url: str | None, inline: dict[str, Any] | None) -> RSAPublicKey:
        if inline is not None:
            cache_key = "inline:" + hashlib.sha256(json.dumps(inline, sort_keys=True).encode()).hexdigest()
            cached = self._sets.get(cache_key)
            if cached is None:
                cached = _KeySet(parse_jwks(inline), float("inf"), time.monotonic())
                self._sets[cache_key] = cached
            return self._pick(cached, kid, "the key set registered for this platform")
        assert key_set_url is not None
        cached = self._sets.get(key_set_url)
        now = time.monotonic()
        if cached is not None and cached.expires_at > now and kid in cached.keys:
            return cached.keys[kid]
        with self._lock:
            cached = self._sets.get(key_set_url)
            if cached is None or cached.expires_at <= now:
                cached = self._from_store(key_set_url) or self._fetch(key_set_url)
            if kid not in cached.keys and now - cached.fetched_at >= REFETCH_GAP:
                # The platform may have rotated: look again, once.
                cached = self._fetch(key_set_url)
        return self._pick(cached, kid, key_set_url)

    @staticmethod
    def _pick(key_set: _KeySet, kid: str, where: str) -> RSAPublicKey:
        try:
            return key_set.keys[kid]
        except KeyError:
            raise LaunchError(
                f"The launch was signed with key id {kid!r}, which is not in {where}.",
                code="unknown_kid") from None

    def _from_store(self, url: str) -> _KeySet | None:
        entry = self.store.get("jwks:" + url)
        if entry is None:
            return None
        remaining = entry["expires"] - time.time()
        if remaining <= 0:
            return None
        key_set = _KeySet(parse_jwks(entry["jwks"]), time.monotonic() + remaining,
                          time.monotonic() - (time.time() - entry["fetched"]))
        self._sets[url] = key_set
        return key_set

    def _fetch(self, url: str) -> _KeySet:
        try:
            response = self.client.get(url, headers={"Accept": "application/json"},
                                       max_bytes=self.max_bytes, timeout=self.timeout)
        except OutboundRefused as exc:
            raise LaunchError(f"The platform's public keys are not fetched from {url}: {exc}.",
                              code="jwks_refused", status=502) from None
        except OutboundTooLarge:
            raise LaunchError(f"The platform's key set at {url} is larger than {self.max_bytes} bytes.",
                              code="jwks_too_large", status=502) from None
        except requests.RequestException as exc:
            raise LaunchError(f"The platform's public keys could not be fetched from {url}: "
                              f"{type(exc).__name__}.", code="jwks_unreachable", status=502) from None
        self.fetch_count += 1
        if not response.ok:
            raise LaunchError(f"The platform's key set at {url} answered HTTP {response.status_code}.",
                              code="jwks_unreachable", status=502)
        body = response.content
        cache_control = response.headers.get("Cache-Control", "")
        try:
            jwks = json.loads(body)
            keys = parse_jwks(jwks)
        except (ValueError, TypeError, KeyError) as exc:
            raise LaunchError(f"The platform's key set at {url} is not a valid JWKS: {exc}.",
                              code="jwks_invalid", status=502) from None
        ttl = min(max(_max_age(cache_control), self.floor), self.ceiling)
        now = time.time()
        self.store.put("jwks:" + url, {"jwks": jwks, "expires": now + ttl, "fetched": now}, ttl)
        key_set = _KeySet(keys, time.monotonic() + ttl, time.monotonic())
        self._sets[url] = key_set
        return key_set


def _max_age(cache_control: str) -> int:
    if "no-store" in cache_control or "no-cache" in cache_control:
        return 0
    match = re.search(r"max-age=(\d+)", cache_control)
    return int(match.group(1)) if match else 0


def parse_jwks(jwks: Any) -> dict[str, RSAPublicKey]:
    """RSA signing keys by kid; keys for other uses or algorithms are ignored."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise ValueError("expected an object with a 'keys' list")
    keys: dict[str, RSAPublicKey] = {}
    for jwk in jwks["keys"]:
        if not isinstance(jwk, dict) or jwk.get("kty") != "RSA" or not jwk.get("kid"):
            continue
        if jwk.get("use", "sig") != "sig" or jwk.get("alg", "RS256") != "RS256":
            continue
        key = RSAAlgorithm.from_jwk(jwk)
        if isinstance(key, RSAPublicKey):
            keys[str(jwk["kid"])] = key
    return keys
