"""Storage keys: random, so a student's file is never reached by guessing or from its name."""

from __future__ import annotations

import re
import secrets

_KEY = re.compile(r"[a-z]+/[A-Za-z0-9_-]{2}/[A-Za-z0-9_-]{32}(\.[a-z]+)?")


def new_key(kind: str = "artifacts", suffix: str = "") -> str:
    """``<kind>/<2 chars>/<32 random chars><suffix>``: 192 random bits, spread over folders."""
    token = secrets.token_urlsafe(24)
    return f"{kind}/{token[:2]}/{token}{suffix}"


def is_key(value: str) -> bool:
    """Whether ``value`` is a key :func:`new_key` could have made (no ``..``, no slashes of its own)."""
    return bool(_KEY.fullmatch(value))
