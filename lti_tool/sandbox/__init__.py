"""A sandbox LMS for the demo and end-to-end tests (dev only; never mounted in production).

An LTI 1.3 platform on Worklink's own origin, under /sandbox: a course with a teacher and three
students, launches inside an iframe, deep linking, a gradebook (AGS) and a roster (NRPS).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from flask import Flask

from lti_tool.config import Config


def init_app(app: Flask) -> None:
    """Mount the sandbox LMS under /sandbox, with its state file and its Worklink registration."""
    from lti_tool.sandbox import (  # noqa: F401  (importing registers the views)
        deep_linking,
        grade_service,
        oidc_auth,
        pages,
        platform_storage,
        roster_service,
        service_token,
    )
    from lti_tool.sandbox.blueprint import bp
    from lti_tool.sandbox.platform import Sandbox, SandboxSettings
    from lti_tool.sandbox.store import SandboxStore
    from lti_tool.sandbox.tool_keys import published_tool_keys
    from lti_tool.sandbox.tool_registration import register_with_worklink

    config: Config = app.extensions["worklink.config"]
    settings = SandboxSettings(base_url=config.base_url)
    store = SandboxStore(config.instance_dir / "sandbox.db")
    with _startup_lock(config.instance_dir / "sandbox.lock"):
        store.create()
        sb = Sandbox(settings, store, published_tool_keys(app, settings.tool_jwks_url))
        register_with_worklink(app, sb)
    app.extensions["worklink.sandbox"] = sb
    app.register_blueprint(bp)


@contextlib.contextmanager
def _startup_lock(path: Path) -> Iterator[None]:
    """One worker at a time creates and seeds the state (gunicorn starts several at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: a single dev server, nothing to race with
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
