"""Everything pylti1p3 touches lives in this subpackage; the rest of the app sees typed objects."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lti_tool.db import database
    from lti_tool.lti import notices as _notices  # noqa: F401  (registers /lti/notices on bp)
    from lti_tool.lti import services
    from lti_tool.lti.views import bp

    app.extensions["worklink.lti"] = services.build(app.extensions["worklink.config"], database(app))
    app.register_blueprint(bp)
    from lti_tool.lti.onboarding_views import bp as onboarding_bp  # JWKS, DR, Canvas JSON (H5)
    app.register_blueprint(onboarding_bp)
