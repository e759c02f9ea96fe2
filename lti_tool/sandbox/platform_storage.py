"""LTI Client Side postMessage Storage, as Canvas offers it ("Platform Storage").

Canvas puts a hidden frame named ``post_message_forwarding`` on its OIDC origin beside the tool's
iframe and passes ``lti_storage_target`` in the login. A tool that cannot keep a cookie inside
the course (third-party cookies blocked) stores its OIDC state there with ``lti.put_data`` and
reads it back with ``lti.get_data``. The sandbox does the same, so Worklink's cookie-less launch
can be exercised in a real browser.
"""

from __future__ import annotations

from flask import Response, render_template

from lti_tool.sandbox.blueprint import bp

STORAGE_TARGET = "post_message_forwarding"


@bp.get("/platform-storage")
def storage_frame() -> Response:
    response = Response(render_template("sandbox/platform_storage.html"))
    # This frame lives inside the course page, like Canvas's; it must be frameable.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors *")
    return response
