"""The teacher's pages: thin views over services."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("teacher", __name__, url_prefix="/teacher")
