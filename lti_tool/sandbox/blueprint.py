"""The sandbox's one blueprint; its views live in the modules named for what they serve."""

from __future__ import annotations

from flask import Blueprint

from lti_tool.csrf import exempt_blueprint

bp = Blueprint("sandbox", __name__, url_prefix="/sandbox", template_folder="templates",
               static_folder="static", static_url_path="/static")
# The sandbox plays the LMS, whose forms are none of Worklink's business (dev and tests only).
exempt_blueprint(bp)
