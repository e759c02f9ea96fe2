"""LTI endpoints: OIDC login, launch, the tool's JWKS."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("lti", __name__, url_prefix="/lti")
