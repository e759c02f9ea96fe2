"""The upload benchmark's floor: a bare WSGI handler that streams a request body to disk.

No framework, no session, no database: read ``wsgi.input`` a megabyte at a time, write it to a
file, answer 204. What any upload endpoint costs at the least on this machine.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from typing import Any

TARGET_DIR = os.environ.get("UPLOAD_FLOOR_DIR", tempfile.gettempdir())


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ["REQUEST_METHOD"] != "PUT":
        start_response("204 No Content", [])
        return [b""]
    remaining = int(environ.get("CONTENT_LENGTH") or 0)
    stream = environ["wsgi.input"]
    with tempfile.NamedTemporaryFile(dir=TARGET_DIR, delete=True) as out:
        while remaining > 0:
            chunk = stream.read(min(1024 * 1024, remaining))
            if not chunk:
                break
            out.write(chunk)
            remaining -= len(chunk)
        out.flush()
    start_response("204 No Content", [])
    return [b""]
