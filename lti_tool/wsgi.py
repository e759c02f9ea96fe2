"""The production entry point: ``gunicorn lti_tool.wsgi:app``, configured by WORKLINK_* variables.

Behind the TLS proxy, gunicorn itself marks requests https from ``X-Forwarded-Proto`` (see
deploy/gunicorn.conf.py: ``forwarded_allow_ips``), so no ProxyFix is needed for the scheme.
"""

from __future__ import annotations

from lti_tool.app import create_app

app = create_app()
# The startup heap is frozen by gunicorn's post_worker_init (lti_tool/server_hooks.py), not
# here: importing this module must not change the importing process (a test runner, say).
