"""Real HTTP peers on 127.0.0.1 for tests: a platform's JWKS or token endpoint, a CASE provider,
a WSGI app under test.

Each test server binds a free port, serves from a daemon thread, says nothing in the test log,
and stops with :meth:`LoopbackServer.close` (or a ``with`` block).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from werkzeug.serving import make_server


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler with one way to answer, and no access log on stderr."""

    def reply(self, status: int, body: bytes, content_type: str = "application/json",
              headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def reply_json(self, status: int, payload: Any,
                   headers: Mapping[str, str] | None = None) -> None:
        self.reply(status, json.dumps(payload).encode(), headers=headers)

    def log_message(self, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    ignore_client_errors = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not self.ignore_client_errors:
            super().handle_error(request, client_address)


class LoopbackServer:
    def __init__(self, handler: type[BaseHTTPRequestHandler], *,
                 ignore_client_errors: bool = False) -> None:
        """``ignore_client_errors``: for tests that provoke a client giving up mid-answer."""
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.httpd.ignore_client_errors = ignore_client_errors
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve_wsgi(app: Any) -> Iterator[str]:
    """Serve a WSGI app on a free port for as long as the generator is open; yields its origin."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
