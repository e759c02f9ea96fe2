"""How the sandbox finds the tool's public keys, to verify what Worklink signs.

A real platform fetches the tool's JWKS URL. The sandbox lives in Worklink's own process, so it
asks for ``/lti/jwks.json`` in-process instead of over HTTP: a server with one worker would
otherwise wait on itself. Before that endpoint exists, ``lti_tool.lti.keys.public_jwks`` is read
directly. When neither gives keys, verification fails loudly; it is never skipped.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from lti_tool.db import database


class ToolKeysUnavailable(RuntimeError):
    """The tool publishes no keys the sandbox can verify its messages with."""


def published_tool_keys(
    app: Flask, jwks_url: str,
    fallback: Callable[[Flask], dict[str, Any] | None] | None = None,
) -> Callable[[], dict[str, Any]]:
    """A key source reading the tool's published JWKS from this app."""
    from_module = fallback or _keys_module_jwks

    def read() -> dict[str, Any]:
        path = urlsplit(jwks_url).path
        response = app.test_client().get(path)
        if response.status_code == 200 and _is_jwks(response.get_json(silent=True)):
            return response.get_json()  # type: ignore[no-any-return]
        keys = from_module(app)
        if keys is not None:
            return keys
        raise ToolKeysUnavailable(
            f"Worklink's key set at {jwks_url} answered {response.status_code}, and "
            "lti_tool.lti.keys.public_jwks is not available, so the sandbox cannot verify "
            "messages signed by Worklink."
        )

    return read


def _keys_module_jwks(app: Flask) -> dict[str, Any] | None:
    try:
        keys = importlib.import_module("lti_tool.lti.keys")
    except ImportError:
        return None
    public_jwks = getattr(keys, "public_jwks", None)
    if public_jwks is None:
        return None
    with database(app).session() as session:
        value = public_jwks(session)
    return value if _is_jwks(value) else None


def _is_jwks(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("keys"), list) and bool(value["keys"])
