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

from werkzeug.serving import WSGIRequestHandler, make_server


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


_ANSWER = "tests.loopback.answer"


class _ClosingHandler(WSGIRequestHandler):
    """Werkzeug's development server, with the app's answer closed when the client drops.

    Werkzeug quirk (3.1): when a client resets the connection, ``run_wsgi`` drains the socket in
    a ``finally`` block *before* it calls the answer's ``close()``; the drain raises again, and
    ``close()`` never runs. Chromium resets connections for cached static files, so the open file
    behind a ``send_file`` answer leaks and warns (an error under ``filterwarnings = error``).
    Production servers (gunicorn) close it; here the hook werkzeug does call closes it instead.
    """

    def connection_dropped(self, error: BaseException, environ: Any = None) -> None:
        answer = (environ or {}).pop(_ANSWER, None)
        if answer is not None:
            answer.close()


class _ClosedOnce:
    """The app's answer, closed at most once whichever of werkzeug and the handler gets there."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.answer)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if hasattr(self.answer, "close"):
                self.answer.close()


def _keeping_answer(app: Any) -> Any:
    def kept(environ: Any, start_response: Any) -> Any:
        environ[_ANSWER] = answer = _ClosedOnce(app(environ, start_response))
        return answer
    return kept


def serve_wsgi(app: Any) -> Iterator[str]:
    """Serve a WSGI app on a free port for as long as the generator is open; yields its origin."""
    server = make_server("127.0.0.1", 0, _keeping_answer(app), threaded=True,
                         request_handler=_ClosingHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
