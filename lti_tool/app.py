"""The composition root: ``create_app(config)`` wires every part of Worklink together."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from lti_tool.config import Config, Mode
from lti_tool.db import Database


def create_app(config: Config | None = None, *, database: Database | None = None) -> Flask:
    """Build the Flask app from typed config; tests pass their own config and database."""
    config = config or Config.from_env()
    app = Flask(__name__, instance_path=str(config.instance_dir), instance_relative_config=False)
    app.config.update(
        SECRET_KEY=config.secret_key,
        SECRET_KEY_FALLBACKS=list(config.previous_secret_keys),  # the sandbox's Flask session
        TESTING=config.mode is Mode.TEST,
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
    )
    app.extensions["worklink.config"] = config
    if config.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # The client's address (per-client rate limits) from exactly as many proxies as there are.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.proxy_hops)  # type: ignore[method-assign]
    app.session_interface = LazyCookieSessionInterface()
    (database or Database(config.database_url)).init_app(app)

    from lti_tool import csrf, i18n, request_logs, security, web
    from lti_tool.lti import init_app as init_lti
    from lti_tool.session_views import bp as session_bp

    request_logs.install()
    security.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    web.init_app(app)
    init_lti(app)
    app.register_blueprint(session_bp)

    from lti_tool.jobs import init_app as init_jobs

    init_jobs(app)

    from lti_tool.admin import bp as admin_bp
    from lti_tool.employer import rate_limit
    from lti_tool.employer.views import bp as employer_bp
    from lti_tool.student import bp as student_bp
    from lti_tool.teacher import bp as teacher_bp
    from lti_tool.uploads import init_app as init_uploads

    app.register_blueprint(teacher_bp)
    app.register_blueprint(student_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(employer_bp)
    init_uploads(app)
    rate_limit.init_app(app, config)
    # The LTI layer hands an accepted launch on; the audiences' pages draw where it lands.
    from lti_tool.landing import render_landing
    from lti_tool.lti.launched import register_landing

    register_landing(app, render_landing)

    if config.sandbox and not config.is_production:
        from lti_tool.sandbox import init_app as init_sandbox

        init_sandbox(app)
    from lti_tool.jobs import start as start_jobs

    start_jobs(app)  # last: its threads query as soon as they run
    return app


class LazyCookieSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, opened only when the browser sent one.

    Worklink's own pages never use Flask's session (a launch is bound by its own token); only
    the sandbox LMS does. Flask would otherwise build a signing serializer on every request.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)
