"""A simulated LTI 1.3 platform: signs id_tokens, serves (and counts) its JWKS, drives launches.

The simulator plays the LMS and the learner's browser at once. One launch is what a browser does
when a learner clicks the tool's link in a course:

1. GET the tool's OIDC login URL with the platform's login parameters;
2. read the tool's 302 ``Location`` (the platform's auth URL with ``state``, ``nonce`` and
   ``redirect_uri``) without following it;
3. POST a signed id_token and the ``state`` to ``redirect_uri``; a launch succeeds on 200.

Each user browses with a cookie jar of its own (bench/browsers.py).

The JWKS is served by a real HTTP server on 127.0.0.1 under one path per target, so the
benchmark can say how many key fetches each tool made while it was measured.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bench.browsers import HttpBrowser

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
ISSUER = "https://lms.bench.invalid"
CLIENT_ID = "worklink-bench-client"
DEPLOYMENT_ID = "bench-deployment-1"


class LaunchFailure(Exception):
    """One step of a launch did not answer as an LTI tool must."""


@dataclasses.dataclass(frozen=True)
class SimulatedUser:
    """A person in a course; the benchmark gives each one a cookie jar of its own."""

    sub: str
    given_name: str
    family_name: str
    role: str
    """``Learner`` or ``Instructor`` (the LIS membership role)."""
    context_id: str
    resource_link_id: str

    @property
    def email(self) -> str:
        return f"{self.given_name}.{self.family_name}@school.bench.invalid".lower()


def simulated_users(count: int, *, courses: int = 8,
                    instructor_every: int = 10) -> list[SimulatedUser]:
    """Learners and instructors spread over a few courses, one tool link per course."""
    users = []
    for n in range(count):
        course = n % courses
        users.append(SimulatedUser(
            sub=f"bench-user-{n:05d}-{uuid.UUID(int=n).hex[:12]}",
            given_name=f"Pat{n}",
            family_name="Placement",
            role="Instructor" if n % instructor_every == 0 else "Learner",
            context_id=f"bench-course-{course}",
            resource_link_id=f"bench-link-{course}",
        ))
    return users


@dataclasses.dataclass(frozen=True)
class LoginRedirect:
    """What the tool's OIDC login answered: where the browser is sent next, and with what."""

    auth_url: str
    state: str
    nonce: str
    redirect_uri: str
    params: Mapping[str, str]


def parse_login_redirect(status_code: int, location: str | None) -> LoginRedirect:
    """Read the tool's login answer; raises LaunchFailure unless it is a usable 302."""
    if status_code not in (302, 303):
        raise LaunchFailure(f"login answered {status_code}, expected a 302 to the platform")
    if not location:
        raise LaunchFailure(f"login answered {status_code} without a Location header")
    parts = urlsplit(location)
    params = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    missing = [name for name in ("state", "nonce", "redirect_uri") if not params.get(name)]
    if missing:
        raise LaunchFailure(f"login redirect lacks {', '.join(missing)}: {location[:200]}")
    return LoginRedirect(
        auth_url=f"{parts.scheme}://{parts.netloc}{parts.path}",
        state=params["state"],
        nonce=params["nonce"],
        redirect_uri=params["redirect_uri"],
        params=params,
    )


@dataclasses.dataclass(frozen=True)
class ToolEndpoints:
    login_url: str
    target_link_uri: str


@dataclasses.dataclass(frozen=True)
class LaunchOutcome:
    ok: bool
    seconds: float
    problem: str = ""


class PlatformSimulator:
    """The LMS side: an RSA key loaded once, a counted JWKS server, and id_token signing."""

    def __init__(self, *, issuer: str = ISSUER, client_id: str = CLIENT_ID,
                 deployment_id: str = DEPLOYMENT_ID, token_lifetime: int = 300) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.token_lifetime = token_lifetime
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = f"bench-{uuid.uuid4().hex[:8]}"
        public_jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        public_jwk.update(kid=self.kid, alg="RS256", use="sig")
        self.jwks: dict[str, Any] = {"keys": [public_jwk]}
        self._requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- the HTTP side ---------------------------------------------------------------------

    def start(self) -> PlatformSimulator:
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = urlsplit(self.path).path
                with simulator._lock:
                    simulator._requests[path] += 1
                if path.startswith("/jwks/"):
                    body = json.dumps(simulator.jwks).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    # A day, like the big platforms; a tool that honours it fetches once.
                    self.send_header("Cache-Control", "public, max-age=86400")
                else:
                    body = b"simulated platform\n"
                    self.send_response(200 if path in ("/auth", "/") else 404)
                    self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # a request log per JWKS fetch would drown the benchmark's output

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True,
                                        name="platform-simulator")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> PlatformSimulator:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the simulator is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def auth_login_url(self) -> str:
        return f"{self.base_url}/auth"

    @property
    def auth_token_url(self) -> str:
        return f"{self.base_url}/token"

    def jwks_url(self, target: str) -> str:
        """A JWKS URL of the target's own, so fetches are counted per target."""
        return f"{self.base_url}/jwks/{target}"

    def jwks_fetches(self, target: str) -> int:
        with self._lock:
            return self._requests[f"/jwks/{target}"]

    # -- the LTI side ----------------------------------------------------------------------

    def login_params(self, user: SimulatedUser, target_link_uri: str) -> dict[str, str]:
        return {
            "iss": self.issuer,
            "login_hint": user.sub,
            "target_link_uri": target_link_uri,
            "lti_message_hint": f"{user.resource_link_id}:{user.sub}",
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }

    def claims(self, user: SimulatedUser, nonce: str, target_link_uri: str) -> dict[str, Any]:
        """The full claim set of a resource link launch, as Canvas and Moodle send it."""
        now = int(time.time())
        course = user.context_id
        return {
            "iss": self.issuer,
            "aud": self.client_id,
            "azp": self.client_id,
            "sub": user.sub,
            "nonce": nonce,
            "iat": now,
            "exp": now + self.token_lifetime,
            "name": f"{user.given_name} {user.family_name}",
            "given_name": user.given_name,
            "family_name": user.family_name,
            "email": user.email,
            LTI + "deployment_id": self.deployment_id,
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0",
            LTI + "target_link_uri": target_link_uri,
            LTI + "roles": [MEMBERSHIP + user.role],
            LTI + "context": {
                "id": course,
                "label": course.upper(),
                "title": f"Work placement {course}",
                "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            },
            LTI + "resource_link": {"id": user.resource_link_id, "title": "Placement log"},
            LTI + "tool_platform": {
                "guid": "bench-platform", "name": "Bench LMS", "product_family_code": "bench",
                "version": "1.0",
            },
            LTI + "launch_presentation": {"document_target": "iframe", "locale": "en"},
            AGS: {
                "scope": [
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                ],
                "lineitems": f"{self.issuer}/api/lti/courses/{course}/line_items",
            },
            NRPS: {
                "context_memberships_url":
                    f"{self.issuer}/api/lti/courses/{course}/names_and_roles",
                "service_versions": ["2.0"],
            },
        }

    def id_token(self, user: SimulatedUser, nonce: str, target_link_uri: str,
                 **overrides: Any) -> str:
        claims = self.claims(user, nonce, target_link_uri)
        claims.update(overrides)
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def launch(self, browser: HttpBrowser, tool: ToolEndpoints,
               user: SimulatedUser) -> LaunchOutcome:
        """One full launch through a browser that keeps the user's cookies."""
        started = time.perf_counter()
        try:
            login = browser.get(tool.login_url, self.login_params(user, tool.target_link_uri))
            redirect = parse_login_redirect(login.status_code, login.location)
            token = self.id_token(user, redirect.nonce, tool.target_link_uri)
            answer = browser.post(redirect.redirect_uri,
                                  {"id_token": token, "state": redirect.state})
            if answer.status_code != 200:
                raise LaunchFailure(
                    f"launch answered {answer.status_code}: {_snippet(answer.text)}")
        except (LaunchFailure, requests.RequestException) as exc:
            return LaunchOutcome(ok=False, seconds=time.perf_counter() - started, problem=str(exc))
        return LaunchOutcome(ok=True, seconds=time.perf_counter() - started)


def _snippet(text: str, limit: int = 240) -> str:
    """The words of an answer, without the markup of an HTML error page's head and tags."""
    body = re.sub(r"(?is)<head.*?</head>|<script.*?</script>|<style.*?</style>", " ", text)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())[:limit]
