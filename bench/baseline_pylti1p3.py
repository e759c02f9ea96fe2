"""The baseline: a plain pylti1p3 Flask tool, configured the way pylti1p3 documents it.

It is what a team gets by following pylti1p3's README and its Flask example: a ``ToolConfDict``,
``FlaskOIDCLogin`` / ``FlaskMessageLaunch`` with their default ``FlaskSessionService`` (state in
a cookie, nonce and launch data in Flask's signed cookie session, no Flask-Caching), and a
landing page rendered from the launch data in the launch response itself.

Two ways to give it the platform's keys, both documented: ``key_set_url`` (pylti1p3 then fetches
the JWKS on every launch, its default) or the JWKS pasted inline as ``key_set``.

Started by the benchmark as ``bench.baseline_pylti1p3:create_app()`` with
``BENCH_BASELINE_CONFIG`` naming a JSON file written by the benchmark::

    {"issuer": ..., "client_id": ..., "auth_login_url": ..., "auth_token_url": ...,
     "key_set_url": ... or "key_set": {...}, "deployment_ids": [...], "private_key_pem": ...}
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from flask import Flask, render_template_string
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.exception import LtiException
from pylti1p3.tool_config import ToolConfDict

LANDING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main>
<h1>{{ title }}</h1>
<p>Welcome, {{ name }} ({{ role }}).</p>
<p>Resource: {{ link }}</p>
</main></body></html>
"""


def tool_conf(settings: dict[str, Any]) -> ToolConfDict:
    """The pylti1p3 config dict for the one simulated platform."""
    conf = ToolConfDict({
        settings["issuer"]: [{
            "default": True,
            "client_id": settings["client_id"],
            "auth_login_url": settings["auth_login_url"],
            "auth_token_url": settings["auth_token_url"],
            "auth_audience": None,
            "key_set_url": settings.get("key_set_url"),
            "key_set": settings.get("key_set"),
            "deployment_ids": settings["deployment_ids"],
        }]
    })
    conf.set_private_key(settings["issuer"], settings["private_key_pem"],
                         client_id=settings["client_id"])
    return conf


def create_app(settings: dict[str, Any] | None = None) -> Flask:
    """The baseline tool; the benchmark passes its settings through a JSON file."""
    if settings is None:
        settings = json.loads(Path(os.environ["BENCH_BASELINE_CONFIG"]).read_text())
    conf = tool_conf(settings)
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.get("secret_key", "bench-baseline-secret"),
                      SESSION_COOKIE_NAME="baseline-session")

    @app.route("/lti/login", methods=["GET", "POST"])
    def login() -> Any:
        flask_request = FlaskRequest()
        target_link_uri = flask_request.get_param("target_link_uri")
        oidc_login = FlaskOIDCLogin(flask_request, conf)
        # The README's example adds enable_check_cookies(), which answers an HTML page that
        # tests cookies in JS before redirecting; a browser-less client can only follow a 302.
        return oidc_login.redirect(target_link_uri)

    @app.route("/lti/launch", methods=["POST"])
    def launch() -> Any:
        message_launch = FlaskMessageLaunch(FlaskRequest(), conf)
        try:
            data = message_launch.get_launch_data()
        except LtiException as exc:
            return f"launch rejected: {exc}", 422
        context = data.get("https://purl.imsglobal.org/spec/lti/claim/context", {})
        link = data.get("https://purl.imsglobal.org/spec/lti/claim/resource_link", {})
        return render_template_string(
            LANDING,
            title=context.get("title", "Course"),
            name=data.get("name", "there"),
            role="teacher" if message_launch.check_teacher_access() else "student",
            link=link.get("title", ""),
        )

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"
    return app
