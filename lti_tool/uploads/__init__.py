"""Files students hand in: resumable uploads (tus), safe content, and the way back to them."""

from __future__ import annotations

from typing import Any

from flask import Flask

from lti_tool.uploads.policy import upload_policy
from lti_tool.uploads.tus import bp

__all__ = ["bp", "file_url", "init_app", "upload_policy"]


def file_url(artifact: Any, *, thumbnail: bool = False) -> str:
    """A page's link to a file (or its thumbnail) of work the page's viewer may see.

    Signed, expiring, needing no session: an ``<img>`` or a download cannot send the session
    header a cookieless LMS frame relies on. Draw it only for someone allowed to see the file.
    """
    from lti_tool.uploads.downloads import signed_url

    return signed_url(int(artifact.id), thumbnail=thumbnail)


def init_app(app: Flask) -> None:
    from lti_tool.uploads.downloads import bp as files_bp

    app.register_blueprint(bp)
    app.register_blueprint(files_bp)
    app.jinja_env.globals.update(upload_policy=upload_policy, file_url=file_url)
