"""Calls to the platform's LTI services with access tokens shared across workers and requests.

pylti1p3 caches a token only on the connector object, so every request (and every employer's
grade, days after the launch) would ask the platform for a new one; Numbas and Hypothesis were
rate-limited for exactly that. Here tokens live in the shared store until shortly before
``expires_in`` runs out.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Sequence

import requests
from pylti1p3.exception import LtiServiceException
from pylti1p3.registration import Registration as PyltiRegistration
from pylti1p3.service_connector import ServiceConnector

from lti_tool.lti.store import EphemeralStore
from lti_tool.outbound.client import OutboundClient

TOKEN_MARGIN_SECONDS = 60
DEFAULT_TOKEN_LIFETIME = 3600


class SharedTokenServiceConnector(ServiceConnector):
    def __init__(self, registration: PyltiRegistration, store: EphemeralStore,
                 client: OutboundClient, *, timeout: float = 10.0) -> None:
        # pylti1p3's own calls (AGS, NRPS) go through the outbound client's session too: the
        # address is checked and pinned, the answer bounded, and the User-Agent Canvas
        # requires (since January 2026) is on every request.
        session: requests.Session = client.session()
        super().__init__(registration, requests_session=session)
        self.store = store
        self.timeout = timeout
        self.token_requests = 0

    def _cache_key(self, scopes: Sequence[str]) -> str:
        ident = f"{self._registration.get_issuer()}|{self._registration.get_client_id()}|" + " ".join(sorted(scopes))
        return "token:" + hashlib.sha256(ident.encode()).hexdigest()

    def get_access_token(self, scopes: Sequence[str]) -> str:
        key = self._cache_key(scopes)
        cached = self.store.get(key)
        if cached is not None and cached["expires"] > time.time():
            return str(cached["token"])
        token, lifetime = self._request_token(scopes)
        ttl = max(lifetime - TOKEN_MARGIN_SECONDS, 1)
        self.store.put(key, {"token": token, "expires": time.time() + ttl}, ttl)
        return token

    def _request_token(self, scopes: Sequence[str]) -> tuple[str, int]:
        # pylti1p3's client assertion, but with a timeout, and the token's lifetime kept.
        client_id = str(self._registration.get_client_id())
        auth_url = str(self._registration.get_auth_token_url())
        now = int(time.time())
        claim: dict[str, str | int] = {
            "iss": client_id, "sub": client_id,
            "aud": self._registration.get_auth_audience() or auth_url,
            "iat": now - 5, "exp": now + 60, "jti": "worklink-" + uuid.uuid4().hex,
        }
        kid = self._registration.get_kid()
        assertion = self.encode_jwt(claim, self._registration.get_tool_private_key(),  # type: ignore[arg-type]
                                    {"kid": kid} if kid else {})
        response = self._requests_session.post(auth_url, timeout=self.timeout, data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": " ".join(scopes),
        })
        self.token_requests += 1
        if not response.ok:
            raise LtiServiceException(response)
        body = response.json()
        return str(body["access_token"]), int(body.get("expires_in") or DEFAULT_TOKEN_LIFETIME)
