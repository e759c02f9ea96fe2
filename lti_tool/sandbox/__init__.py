"""A sandbox LMS for the demo and end-to-end tests (dev only; never mounted in production)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Mount the sandbox LMS under /sandbox."""
