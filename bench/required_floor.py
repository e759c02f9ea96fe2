"""The required floor: the least a Flask tool can do and still launch the way the issue demands.

Two requests like the floor's, plus only what the issue makes every launch do, each done the
cheapest way we know, with no Worklink code at all:

- login: a fresh state and nonce, kept single-use in storage every worker shares (one SQLite
  file, one autocommitted INSERT), the state bound to the browser by a cookie, a 302;
- launch: the state taken atomically (DELETE … RETURNING), the id_token's RS256 signature
  verified with the platform key parsed once, ``iss``, ``aud`` and ``exp`` checked, the nonce
  compared, a signed session cookie, and a page rendered from a compiled Jinja template.

No provisioning, roles, deployments, error pages, security headers or certification checks
beyond those. What this costs over the floor is what the performance goal has to leave room for.

Started by the benchmark as ``bench.required_floor:create_app()`` with ``BENCH_REQUIRED_CONFIG``
naming a JSON file: issuer, client_id, auth_login_url, jwks, database (a file path).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from flask import Flask, Response, request

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ course }} · Worklink</title></head>
<body><header><span>{{ course }}</span><span>{{ name }}</span></header>
<main><h1>{{ course }}</h1><p>Welcome, <strong>{{ name }}</strong> ({{ role }}).</p></main>
</body></html>
"""


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def create_app(settings: dict[str, Any] | None = None) -> Flask:
    if settings is None:
        settings = json.loads(Path(os.environ["BENCH_REQUIRED_CONFIG"]).read_text())
    assert settings is not None
    app = Flask(__name__)
    page = app.jinja_env.from_string(PAGE)
    key = jwt.PyJWK(settings["jwks"]["keys"][0]).key  # parsed once

    def verified_claims(token: str) -> dict[str, Any] | None:
        """RS256 verified straight with cryptography (leaner than PyJWT's decode), then the
        claims a launch cannot go without: issuer, audience, expiry."""
        try:
            header, payload, signature = token.split(".")
            if json.loads(_b64(header)).get("alg") != "RS256":
                return None
            key.verify(_b64(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(),
                       hashes.SHA256())
            claims: dict[str, Any] = json.loads(_b64(payload))
        except (ValueError, InvalidSignature):
            return None
        audience = claims.get("aud")
        if (claims.get("iss") != settings["issuer"] or claims.get("exp", 0) < time.time()
                or settings["client_id"] not in (audience if isinstance(audience, list)
                                                 else [audience])):
            return None
        return claims
    secret = secrets.token_bytes(32)
    prefix = (f"{settings['auth_login_url']}?scope=openid&response_type=id_token"
              f"&response_mode=form_post&prompt=none&client_id={quote(settings['client_id'])}")
    local = threading.local()

    def db() -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = sqlite3.connect(
                settings["database"], isolation_level=None, timeout=15)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, "
                               "nonce TEXT NOT NULL, expires INTEGER NOT NULL) WITHOUT ROWID")
        return connection

    @app.route("/lti/login", methods=["GET", "POST"])
    def login() -> Response:
        params = request.form if request.method == "POST" else request.args
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        db().execute("INSERT INTO state VALUES (?, ?, ?)", (state, nonce, int(time.time()) + 600))
        redirect_uri = quote(request.host_url + "lti/launch", safe="")
        location = (f"{prefix}&redirect_uri={redirect_uri}"
                    f"&login_hint={quote(params['login_hint'], safe='')}"
                    f"&lti_message_hint={quote(params.get('lti_message_hint', ''), safe='')}"
                    f"&state={state}&nonce={nonce}")
        response = Response(status=302, headers={"Location": location})
        response.headers.add("Set-Cookie", f"state={state}; Path=/; HttpOnly; SameSite=Lax")
        return response

    @app.post("/lti/launch")
    def launch() -> Any:
        state = request.form.get("state", "")
        row = db().execute("DELETE FROM state WHERE key = ? RETURNING nonce, expires",
                           (state,)).fetchone()
        if row is None or row[1] < time.time() or request.cookies.get("state") != state:
            return "unknown state", 400
        claims = verified_claims(request.form.get("id_token", ""))
        if claims is None or claims.get("nonce") != row[0]:
            return "bad id_token", 422
        session = f"{claims['sub']}.{int(time.time())}"
        signature = hmac.new(secret, session.encode(), hashlib.sha256).hexdigest()
        context = claims.get("https://purl.imsglobal.org/spec/lti/claim/context", {})
        roles = claims.get("https://purl.imsglobal.org/spec/lti/claim/roles", [])
        response = Response(page.render(course=context.get("title"), name=claims.get("name"),
                                        role="teacher" if any("Instructor" in r for r in roles)
                                        else "student"), mimetype="text/html")
        response.headers.add("Set-Cookie", f"session={session}.{signature}; Path=/; HttpOnly")
        return response

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    return app
