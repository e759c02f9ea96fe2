"""Everything pylti1p3 touches lives in this subpackage; the rest of the app sees typed objects."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lti_tool.lti.views import bp

    app.register_blueprint(bp)
