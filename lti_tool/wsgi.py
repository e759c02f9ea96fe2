"""The production entry point: ``gunicorn lti_tool.wsgi:app``, configured by WORKLINK_* variables.

Behind the TLS proxy, gunicorn itself marks requests https from ``X-Forwarded-Proto`` (see
deploy/gunicorn.conf.py: ``forwarded_allow_ips``), so no ProxyFix is needed for the scheme.
"""

from __future__ import annotations

import gc

from lti_tool.app import create_app

app = create_app()

# Everything built so far (modules, the app, SQLAlchemy's mappers and compiled caches) lives as
# long as the worker. Freezing it takes those objects out of the garbage collector's reach, so
# the collections a request's garbage triggers no longer walk the whole heap each time:
# measured at about a fifth of a launch's CPU under gunicorn (bench/launch_bench.py).
gc.collect()
gc.freeze()
