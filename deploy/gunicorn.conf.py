"""gunicorn settings for Worklink in production.

    gunicorn -c deploy/gunicorn.conf.py lti_tool.wsgi:app

Every value can be overridden from the environment (``GUNICORN_*``, ``FORWARDED_ALLOW_IPS``) so
the same image fits a 1-core VM and a large host.
"""

from __future__ import annotations

import os

from lti_tool.server_hooks import post_worker_init  # noqa: F401 - gunicorn's hook


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this container may use, not the host's
    except AttributeError:
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: a launch is CPU-bound (JWT verify, a few queries); one process per core plus one
# to cover the moments a worker waits on the database or on a platform (JWKS, AGS).
workers = int(os.environ.get("GUNICORN_WORKERS", str(_cpus() + 1)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then so a slow leak can never take the service down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# The heartbeat file on tmpfs: a container's overlay filesystem can stall it and get workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# gunicorn marks a request https when X-Forwarded-Proto comes from one of these addresses. In
# deploy/compose.yaml only the Caddy container can reach port 8000 (it is not published), so "*"
# is safe there; on a host where the port is reachable, name the proxy's address instead.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs to stdout/stderr: the container runtime collects them. No request bodies are logged
# (an id_token is a bearer credential for the launch), and no query strings: the path alone
# (%(U)s, where %(r)s would give the whole request line). Dynamic Registration's
# registration_token and the platforms' login hints arrive in the query.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
