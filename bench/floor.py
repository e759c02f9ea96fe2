"""The floor: what two trivial Flask requests cost under the same gunicorn, per "launch".

A launch is two HTTP requests whatever the tool does; this app answers the same two requests
(a GET carrying the login parameters, a POST carrying an id_token-sized form) with a short
string, so its CPU per launch is the least any Flask tool can spend.
"""

from __future__ import annotations

from flask import Flask, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/a")
    def first() -> str:
        return "a"

    @app.post("/b")
    def second() -> str:
        return "b" if request.form.get("state") else "no state"

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    return app


app = create_app()
