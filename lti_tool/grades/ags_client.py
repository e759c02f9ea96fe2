"""HTTP to a platform's Assignment and Grade Services: access tokens, line items, scores.

pylti1p3's AGS support posts one score with a token kept on a Python object; Worklink sends
scores days after any launch from a worker, through outages and throttling, so this client
keeps tokens in the shared store (Redis in production, the database otherwise) until shortly
before ``expires_in``, and hands every answer back unjudged for :mod:`answers` to classify.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import jwt
import requests

from lti_tool.lti.keys import SigningKey
from lti_tool.lti.store import EphemeralStore
from lti_tool.outbound.client import OutboundClient, OutboundRefused

SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"
SCORE_SCOPES = (SCOPE + "lineitem", SCOPE + "score")
LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEM_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
TOKEN_MARGIN_SECONDS = 60
DEFAULT_TOKEN_LIFETIME = 3600


@dataclasses.dataclass(frozen=True)
class PlatformAccount:
    """Who Worklink is at one platform: what a token request needs."""

    registration_id: int
    issuer: str
    client_id: str
    token_url: str
    audience: str | None = None


@dataclasses.dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: str
    headers: Mapping[str, str]

    def json(self) -> Any:
        """The parsed body, or ``None`` when it is not JSON (a proxy's HTML page, a cut body)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def retry_after(self) -> float | None:
        value = self.headers.get("Retry-After")
        if value is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            return None  # an HTTP date: rare on LMS APIs; the backoff decides instead


class Unreachable(Exception):
    """No HTTP answer at all: refused, reset, timed out."""


class TokenRefused(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"token endpoint answered {status}")
        self.status = status
        self.body = body


def scores_url(lineitem_url: str) -> str:
    """``…/lineitems/7/scores``; Moodle's line item URLs carry ``?type_id=``, and the path
    ending goes before the query (pylti1p3 does the same)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


class AgsClient:
    def __init__(self, store: EphemeralStore, signing_key: Callable[[], SigningKey], *,
                 outbound: OutboundClient, timeout: float = 10.0, pool_size: int = 8) -> None:
        self.store = store
        self.outbound = outbound
        self.signing_key = signing_key
        self.timeout = timeout
        self.pool_size = pool_size
        self.token_requests = 0
        self._local = threading.local()
        self._locks: dict[str, threading.Lock] = {}
        self._known: dict[str, tuple[str, float]] = {}
        self._locks_guard = threading.Lock()

    # -- HTTP --------------------------------------------------------------------------------

    @property
    def http(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            # The outbound client's: the address checked and pinned, the answer bounded, and
            # the User-Agent Canvas requires on service requests (since January 2026).
            session = self._local.session = self.outbound.session(pool_maxsize=self.pool_size)
        return session

    def _call(self, method: str, url: str, **kwargs: Any) -> HttpAnswer:
        try:
            response = self.http.request(method, url, timeout=self.timeout,
                                         allow_redirects=False, **kwargs)
            body = response.text
        except OutboundRefused as exc:
            raise Unreachable(str(exc)) from None
        except requests.Timeout:
            raise Unreachable(f"no answer within {self.timeout:g} s") from None
        except requests.ConnectionError as exc:
            raise Unreachable(_reason(exc)) from None
        except requests.RequestException as exc:
            raise Unreachable(type(exc).__name__) from None
        return HttpAnswer(response.status_code, body, dict(response.headers))

    # -- tokens ------------------------------------------------------------------------------

    def _token_key(self, account: PlatformAccount, scopes: Sequence[str]) -> str:
        # The same key the NRPS connector uses, so both share one token per scope set.
        ident = f"{account.issuer}|{account.client_id}|" + " ".join(sorted(scopes))
        return "token:" + hashlib.sha256(ident.encode()).hexdigest()

    def token(self, account: PlatformAccount, scopes: Sequence[str] = SCORE_SCOPES) -> str:
        key = self._token_key(account, scopes)
        # This process's copy first: the shared store is asked once per token, not per score.
        known = self._known.get(key)
        if known is not None and known[1] > time.time():
            return known[0]
        cached = self.store.get(key)
        if cached is not None and cached["expires"] > time.time():
            self._known[key] = (str(cached["token"]), float(cached["expires"]))
            return str(cached["token"])
        with self._lock_for(key):
            # Another thread may have fetched it while this one waited for the lock.
            cached = self.store.get(key)
            if cached is not None and cached["expires"] > time.time():
                return str(cached["token"])
            token, lifetime = self._request_token(account, scopes)
            ttl = max(lifetime - TOKEN_MARGIN_SECONDS, 1)
            expires = time.time() + ttl
            self.store.put(key, {"token": token, "expires": expires}, ttl)
            self._known[key] = (token, expires)
            return token

    def forget_token(self, account: PlatformAccount, scopes: Sequence[str] = SCORE_SCOPES) -> None:
        key = self._token_key(account, scopes)
        self._known.pop(key, None)
        self.store.take(key)

    def _lock_for(self, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())

    def _request_token(self, account: PlatformAccount, scopes: Sequence[str]) -> tuple[str, int]:
        key = self.signing_key()
        now = int(time.time())
        assertion = jwt.encode(
            {"iss": account.client_id, "sub": account.client_id,
             "aud": account.audience or account.token_url, "iat": now - 5, "exp": now + 60,
             "jti": "worklink-" + uuid.uuid4().hex},
            key.private_key, algorithm="RS256", headers={"kid": key.kid})
        self.token_requests += 1
        answer = self._call("POST", account.token_url, data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
            "scope": " ".join(scopes),
        }, headers={"Accept": "application/json"})
        body = answer.json() if answer.status == 200 else None
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise TokenRefused(answer.status, answer.body)
        try:
            lifetime = int(body.get("expires_in") or DEFAULT_TOKEN_LIFETIME)
        except (TypeError, ValueError):
            lifetime = DEFAULT_TOKEN_LIFETIME
        return body["access_token"], lifetime

    # -- AGS ---------------------------------------------------------------------------------

    def _bearer(self, account: PlatformAccount, accept: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(account)}", "Accept": accept}

    def post_score(self, account: PlatformAccount, lineitem_url: str,
                   body: Mapping[str, Any]) -> HttpAnswer:
        headers = self._bearer(account, "application/json")
        headers["Content-Type"] = SCORE
        return self._call("POST", scores_url(lineitem_url), data=json.dumps(body),
                          headers=headers)

    def get_lineitem(self, account: PlatformAccount, url: str) -> HttpAnswer:
        return self._call("GET", url, headers=self._bearer(account, LINEITEM))

    def find_lineitems(self, account: PlatformAccount, lineitems_url: str,
                       resource_link_id: str) -> HttpAnswer:
        return self._call("GET", lineitems_url, params={"resource_link_id": resource_link_id},
                          headers=self._bearer(account, LINEITEM_CONTAINER))

    def create_lineitem(self, account: PlatformAccount, lineitems_url: str,
                        fields: Mapping[str, Any]) -> HttpAnswer:
        headers = self._bearer(account, LINEITEM)
        headers["Content-Type"] = LINEITEM
        return self._call("POST", lineitems_url, data=json.dumps(fields), headers=headers)


def _reason(exc: requests.ConnectionError) -> str:
    text = str(exc).lower()
    if "reset" in text:
        return "the connection was reset"
    if "refused" in text:
        return "the connection was refused"
    if "timed out" in text or "timeout" in text:
        return "the connection timed out"
    return "the connection failed"
