"""The one HTTP client for every fetch Worklink makes: platform configurations and keys,
registrations, rosters, LTI service calls, CASE packages.

It is ``requests`` with a transport adapter that decides the connection's address itself: the
host is resolved once, every address is judged by :class:`AddressPolicy`, and urllib3 connects
to that checked address while TLS still sends the name (SNI) and checks the certificate for it,
and the ``Host`` header still carries it. A second DNS answer (rebinding) is never asked for.

Why our own adapter: ``advocate`` (the requests wrapper for this) is unmaintained since 2020 and
predates urllib3 2; the maintained alternatives wrap httpx or asyncio, which pylti1p3's
``requests`` session cannot use. The adapter overrides only requests' documented subclassing
hook ``build_connection_pool_key_attributes``.

Every answer is read whole within a byte limit and a total time limit (a read timeout alone
lets a server trickle bytes forever); redirects are not followed unless the caller asks, and
then each hop goes through the same adapter and is judged again.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from lti_tool.outbound.addresses import AddressPolicy, AddressRefused, HostUnresolved

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
_BLOCK = 64 * 1024


class OutboundRefused(requests.RequestException):
    """The URL points at an address Worklink does not connect to (nothing was sent)."""


class OutboundTooLarge(requests.RequestException):
    """The answer was larger than the limit; reading stopped there."""


class OutboundTooSlow(requests.Timeout):
    """The whole answer did not arrive within the total time limit."""


class PinnedAddressAdapter(HTTPAdapter):
    """Connects to the address the policy judged, never to a second DNS answer."""

    def __init__(self, policy: AddressPolicy, **kwargs: Any) -> None:
        self.policy = policy
        super().__init__(**kwargs)

    def send(self, request: requests.PreparedRequest, *args: Any,
             **kwargs: Any) -> requests.Response:
        # The pool below is keyed by address; the name travels in Host (set afresh on every
        # hop: requests copies headers onto a redirect).
        parts = urlsplit(request.url or "")
        request.headers["Host"] = parts.netloc.rsplit("@", 1)[-1]
        return super().send(request, *args, **kwargs)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert)
        name = str(host_params["host"]).strip("[]")
        port = host_params.get("port") or (443 if host_params["scheme"] == "https" else 80)
        try:
            address = self.policy.resolve(name, int(port))
        except AddressRefused as exc:
            raise OutboundRefused(str(exc), request=request) from None
        except HostUnresolved as exc:
            raise requests.ConnectionError(str(exc), request=request) from None
        host_params["host"] = str(address)
        if host_params["scheme"] == "https":
            # TLS still speaks to, and verifies, the name.
            pool_kwargs["server_hostname"] = name
            pool_kwargs["assert_hostname"] = name
        return host_params, pool_kwargs


class OutboundSession(requests.Session):
    """A requests session whose every send is judged, pinned, bounded and timed.

    pylti1p3's service connector takes it as its ``requests_session``.
    """

    def __init__(self, policy: AddressPolicy, *, user_agent: str, timeout: float,
                 total_seconds: float, max_bytes: int = DEFAULT_MAX_BYTES,
                 pool_maxsize: int = 10) -> None:
        super().__init__()
        self.trust_env = False  # an environment proxy would connect somewhere unchecked
        # One platform's cookies are nothing another request should carry.
        self.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.max_redirects = 3
        self.headers["User-Agent"] = user_agent
        self.timeout = timeout
        self.total_seconds = total_seconds
        self.max_bytes = max_bytes
        self.follow_redirects = False
        adapter = PinnedAddressAdapter(policy, pool_maxsize=pool_maxsize)
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def send(self, request: requests.PreparedRequest,
             **kwargs: Any) -> requests.Response:
        max_bytes = int(kwargs.pop("max_bytes", self.max_bytes))
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        if not self.follow_redirects:
            kwargs["allow_redirects"] = False
        kwargs["stream"] = True
        deadline = time.monotonic() + self.total_seconds
        response = super().send(request, **kwargs)
        _read_within(response, max_bytes, deadline)
        return response


def _read_within(response: requests.Response, max_bytes: int, deadline: float) -> None:
    """Read the whole body now, refusing more than ``max_bytes`` or past ``deadline``."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        response.close()
        raise OutboundTooLarge(f"{response.url} announced {int(declared):,} bytes, over the "
                               f"limit of {max_bytes:,}", response=response)
    body = bytearray()
    try:
        for block in response.iter_content(_BLOCK):
            body += block
            if len(body) > max_bytes:
                raise OutboundTooLarge(f"{response.url} sent more than {max_bytes:,} bytes",
                                       response=response)
            if time.monotonic() > deadline:
                raise OutboundTooSlow(f"{response.url} was still sending after the time limit",
                                      response=response)
    finally:
        response.close()
    # What requests itself does after reading a body (Response.content).
    response._content = bytes(body)
    response._content_consumed = True


class OutboundClient:
    """Makes :class:`OutboundSession` objects and plain one-off requests."""

    def __init__(self, policy: AddressPolicy, *, user_agent: str, timeout: float = 5.0,
                 total_seconds: float = 30.0, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.policy = policy
        self.user_agent = user_agent
        self.timeout = timeout
        self.total_seconds = total_seconds
        self.max_bytes = max_bytes
        self._session = self.session()

    def session(self, *, pool_maxsize: int = 10) -> OutboundSession:
        """A session of its own (per thread, or for a library that takes one)."""
        return OutboundSession(self.policy, user_agent=self.user_agent, timeout=self.timeout,
                               total_seconds=self.total_seconds, max_bytes=self.max_bytes,
                               pool_maxsize=pool_maxsize)

    def request(self, method: str, url: str, *, headers: Mapping[str, str] | None = None,
                data: Any = None, max_bytes: int | None = None, timeout: float | None = None,
                follow_redirects: bool = False) -> requests.Response:
        """One request; raises a ``requests.RequestException`` (see the classes above)."""
        session = self._session
        if follow_redirects:
            session = self.session()
            session.follow_redirects = True
        prepared = session.prepare_request(
            requests.Request(method, url, headers=dict(headers or {}), data=data))
        return session.send(prepared, max_bytes=max_bytes or self.max_bytes, timeout=timeout)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", url, **kwargs)
