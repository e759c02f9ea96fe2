"""The student's pages: thin views over services."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("student", __name__, url_prefix="/student")
