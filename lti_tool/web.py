"""Pages every audience shares: errors with a clear message, and session-aware links."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, render_template, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from lti_tool.security import SESSION_PARAM, current_principal

_TITLES = {
    400: "This request could not be understood",
    401: "Please open Worklink from your course",
    403: "You do not have access to this page",
    404: "Not found",
    405: "Not allowed",
    409: "Conflict",
    413: "That file is too large",
    422: "This launch could not be accepted",
}


def session_url(endpoint: str, **values: Any) -> str:
    """``url_for`` that carries the launch session when the browser keeps no cookie."""
    current_principal()
    token = g.get("session_token")
    if token:
        values[SESSION_PARAM] = token
    return url_for(endpoint, **values)


def session_field() -> Markup:
    """A hidden form field with the launch session, for forms in a browser that keeps no cookie."""
    current_principal()
    token = g.get("session_token")
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(SESSION_PARAM, token)


def error_page(status: int, message: str, *, title: str | None = None, hint: str | None = None) -> tuple[str, int]:
    return (
        render_template("error.html", status=status, title=title or _TITLES.get(status, "Error"),
                        message=message, hint=hint),
        status,
    )


def init_app(app: Flask) -> None:
    app.jinja_env.globals["session_url"] = session_url
    app.jinja_env.globals["session_field"] = session_field
    app.jinja_env.globals["principal"] = current_principal

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        return error_page(status, exc.description or "")
