"""A simulated LMS grade service (AGS) on 127.0.0.1, with the faults real platforms produce.

It applies the rules Canvas and Moodle apply (see the LTI notes): a score needs ``userId``,
``timestamp``, ``activityProgress`` and ``gradingProgress``; a timestamp not newer than the
stored grade's (whole seconds) answers 409 (Moodle); a user it cannot grade answers 422 "User
not found in course or is not a student" (Canvas); a request without ``User-Agent`` is refused
(Canvas, since January 2026); a deleted line item answers 404 with an empty body (Canvas).

Faults are queued per kind of request (``token``, ``score``, ``lineitem``): a status with a
body and ``Retry-After``, ``"hang"`` (no answer until the client gives up), ``"reset"`` (the
connection closes without an answer) or ``"malformed"`` (200 with a body that is not JSON).
A Canvas-style leaky bucket (``bucket=(capacity, leak_per_second)``) answers 403 "Rate Limit
Exceeded" when empty and reports ``X-Rate-Limit-Remaining`` and ``X-Request-Cost``.
Every accepted score is logged, so a test can check each arrived once and in order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket
import threading
import time
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SCORE = "application/vnd.ims.lis.v1.score+json"
LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEM_CONTAINER = "application/vnd.ims.lis.v2.lineitemcontainer+json"
CANVAS_SUBMISSION = "https://canvas.instructure.com/lti/submission"


@dataclasses.dataclass
class Fault:
    status: int | str
    """An HTTP status, or ``"hang"``, ``"reset"``, ``"malformed"``."""
    body: str = '{"error": "simulated fault"}'
    retry_after: float | None = None


@dataclasses.dataclass
class AcceptedScore:
    lineitem: int
    user: str
    timestamp: str
    body: dict[str, Any]
    headers: dict[str, str]


class AgsPlatform:
    def __init__(self, *, latency: float = 0.0, token_lifetime: int = 3600,
                 bucket: tuple[float, float] | None = None, request_cost: float = 1.0,
                 parallel_penalty: float = 0.0, hang_seconds: float = 5.0) -> None:
        self.latency = latency
        self.token_lifetime = token_lifetime
        self.bucket = bucket
        self.request_cost = request_cost
        self.parallel_penalty = parallel_penalty
        self.hang_seconds = hang_seconds
        self.lock = threading.Lock()
        self.faults: dict[str, deque[Fault]] = {"token": deque(), "score": deque(),
                                                "lineitem": deque()}
        self.lineitems: dict[int, dict[str, Any]] = {}
        self._made = 0
        self.stored: dict[tuple[int, str], dict[str, Any]] = {}
        self.accepted: list[AcceptedScore] = []
        self.refused: Counter[int] = Counter()
        self.requests: Counter[str] = Counter()
        self.token_requests = 0
        self.tokens: set[str] = set()
        self.ungradable: set[str] = set()
        self.throttled = 0
        self._level = bucket[0] if bucket else 0.0
        self._level_at = time.monotonic()
        self._in_flight = 0
        self.most_in_flight = 0
        """The most requests it was answering at once."""
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting ----------------------------------------------------------------------------

    def fail(self, kind: str, *faults: Fault) -> None:
        with self.lock:
            self.faults[kind].extend(faults)

    def revoke_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()

    def delete_lineitem(self, lineitem_id: int) -> None:
        with self.lock:
            self.lineitems.pop(lineitem_id, None)

    def add_lineitem(self, course: str, **fields: Any) -> str:
        with self.lock:
            new_id = self._add(course, fields)
        return f"{self.origin}/courses/{course}/lineitems/{new_id}"

    def _add(self, course: str, fields: dict[str, Any]) -> int:
        self._made += 1  # ids are never reused, as in a real LMS
        new_id = self._made
        self.lineitems[new_id] = {"course": course, **fields}
        return new_id

    def lineitems_url(self, course: str) -> str:
        return f"{self.origin}/courses/{course}/lineitems"

    @property
    def token_url(self) -> str:
        return f"{self.origin}/token"

    # -- the server --------------------------------------------------------------------------

    def start(self) -> AgsPlatform:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes; with Nagle on, a kept-alive connection
            # waits for the client's delayed ACK (40 ms) between them on every answer.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:  # noqa: N802
                platform._handle(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                platform._handle(self, "POST")

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # clients that give up on a hung answer are part of the script

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> AgsPlatform:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        assert self._server is not None, "the platform is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- requests ----------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        path = parts.path.strip("/").split("/")
        kind = "token" if path == ["token"] else "score" if path[-1:] == ["scores"] else "lineitem"
        with self.lock:
            self.requests[kind] += 1
            fault = self.faults[kind].popleft() if self.faults[kind] else None
            self._in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self._in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            if fault is not None and self._fault(handler, fault):
                return
            if not handler.headers.get("User-Agent"):
                return _send(handler, 403, {"error": "a User-Agent header is required"})
            if kind == "token":
                return self._token(handler, raw)
            if not self._authorized(handler):
                return _send(handler, 401, {"error": "invalid_token"},
                             {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            throttle = self._spend()
            if throttle is not None:
                with self.lock:
                    self.throttled += 1
                return _send(handler, 403, "403 Forbidden (Rate Limit Exceeded)",
                             {"X-Rate-Limit-Remaining": f"{throttle:.1f}",
                              "X-Request-Cost": f"{self.request_cost:.1f}"})
            headers = self._bucket_headers()
            if kind == "score" and method == "POST":
                return self._score(handler, path, raw, headers)
            if kind == "lineitem" and method == "GET" and path[-1] == "lineitems":
                return self._list(handler, path[1], parse_qs(parts.query), headers)
            if kind == "lineitem" and method == "POST" and path[-1] == "lineitems":
                return self._create(handler, path[1], raw, headers)
            if kind == "lineitem" and method == "GET":
                return self._get(handler, int(path[-1]), headers)
            return _send(handler, 404, {"error": "no such path"})
        finally:
            with self.lock:
                self._in_flight -= 1

    def _fault(self, handler: BaseHTTPRequestHandler, fault: Fault) -> bool:
        if fault.status == "hang":
            self._released.wait(self.hang_seconds)
            _close(handler)
            return True
        if fault.status == "reset":
            _close(handler)
            return True
        if fault.status == "malformed":
            _send(handler, 200, "{\"id\": \"trunc", content_type="application/json")
            return True
        assert isinstance(fault.status, int)
        headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
        with self.lock:
            self.refused[fault.status] += 1
        _send(handler, fault.status, fault.body, headers)
        return True

    def _token(self, handler: BaseHTTPRequestHandler, raw: bytes) -> None:
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        if form.get("grant_type") != "client_credentials" or not form.get("client_assertion"):
            return _send(handler, 400, {"error": "invalid_request"})
        with self.lock:
            self.token_requests += 1
            token = f"token-{self.token_requests}"
            self.tokens.add(token)
        _send(handler, 200, {"access_token": token, "token_type": "bearer",
                             "expires_in": self.token_lifetime, "scope": form.get("scope", "")})

    def _authorized(self, handler: BaseHTTPRequestHandler) -> bool:
        parts = (handler.headers.get("Authorization") or "").split()
        with self.lock:
            return len(parts) == 2 and parts[0] == "Bearer" and parts[1] in self.tokens

    def _spend(self) -> float | None:
        """Take a request's cost from the bucket; the level left if it is empty."""
        if self.bucket is None:
            return None
        capacity, leak = self.bucket
        with self.lock:
            now = time.monotonic()
            self._level = min(capacity, self._level + (now - self._level_at) * leak)
            self._level_at = now
            cost = self.request_cost + self.parallel_penalty * max(0, self._in_flight - 1)
            if self._level < cost:
                return self._level
            self._level -= cost
            return None

    def _bucket_headers(self) -> dict[str, str]:
        if self.bucket is None:
            return {}
        with self.lock:
            return {"X-Rate-Limit-Remaining": f"{self._level:.1f}",
                    "X-Request-Cost": f"{self.request_cost:.1f}"}

    def _score(self, handler: BaseHTTPRequestHandler, path: list[str], raw: bytes,
               headers: dict[str, str]) -> None:
        if handler.headers.get("Content-Type", "").split(";")[0] != SCORE:
            return _send(handler, 415, {"error": f"Content-Type must be {SCORE}"})
        item_id = int(path[-2])
        with self.lock:
            if item_id not in self.lineitems:
                return _send(handler, 404, "", headers)  # Canvas: a deleted assignment
        try:
            body = json.loads(raw)
        except ValueError:
            return _send(handler, 400, {"error": "the body is not JSON"})
        missing = [k for k in ("userId", "timestamp", "activityProgress", "gradingProgress")
                   if not body.get(k)]
        if missing:
            return _send(handler, 400, {"error": "Incorrect score received: missing "
                                        + ", ".join(missing)})
        user = str(body["userId"])
        if user in self.ungradable:
            return _send(handler, 422, {"errors": {"type": "unprocessable_entity", "message":
                                                   "User not found in course or is not a student"}})
        moment = dt.datetime.fromisoformat(body["timestamp"]).timestamp()
        with self.lock:
            stored = self.stored.get((item_id, user))
            if stored is not None and int(moment) <= int(stored["_epoch"]):
                self.refused[409] += 1
                return _send(handler, 409, {"error": "a newer or equal score is stored"}, headers)
            self.stored[item_id, user] = {**body, "_epoch": moment}
            self.accepted.append(AcceptedScore(item_id, user, body["timestamp"], body, {
                "user_agent": handler.headers.get("User-Agent", ""),
                "content_type": handler.headers.get("Content-Type", ""),
                "accept": handler.headers.get("Accept", "")}))
        _send(handler, 200, {"resultUrl": f"{self.origin}/results/{item_id}"}, headers)

    def _item_json(self, item_id: int) -> dict[str, Any]:
        item = self.lineitems[item_id]
        return {"id": f"{self.origin}/courses/{item['course']}/lineitems/{item_id}",
                **{k: v for k, v in item.items() if k != "course"}}

    def _list(self, handler: BaseHTTPRequestHandler, course: str, query: dict[str, list[str]],
              headers: dict[str, str]) -> None:
        wanted = query.get("resource_link_id", [None])[0]
        with self.lock:
            items = [self._item_json(i) for i, item in sorted(self.lineitems.items())
                     if item["course"] == course
                     and (wanted is None or item.get("resourceLinkId") == wanted)]
        _send(handler, 200, items, headers, content_type=LINEITEM_CONTAINER)

    def _create(self, handler: BaseHTTPRequestHandler, course: str, raw: bytes,
                headers: dict[str, str]) -> None:
        fields = json.loads(raw)
        if not isinstance(fields.get("scoreMaximum"), (int, float)) or fields["scoreMaximum"] <= 0:
            return _send(handler, 422, {"error": "scoreMaximum must be greater than 0"})
        with self.lock:
            body = self._item_json(self._add(course, fields))
        _send(handler, 201, body, headers, content_type=LINEITEM)

    def _get(self, handler: BaseHTTPRequestHandler, item_id: int,
             headers: dict[str, str]) -> None:
        with self.lock:
            if item_id not in self.lineitems:
                return _send(handler, 404, "", headers)
            body = self._item_json(item_id)
        _send(handler, 200, body, headers, content_type=LINEITEM)


def _send(handler: BaseHTTPRequestHandler, status: int, payload: Any,
          headers: dict[str, str] | None = None, *, content_type: str = "application/json") -> None:
    body = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def _close(handler: BaseHTTPRequestHandler) -> None:
    handler.close_connection = True
    try:
        handler.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
