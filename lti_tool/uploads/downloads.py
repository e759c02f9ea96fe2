"""Students' files served back, only to those allowed, and never as something that runs.

Two ways in. ``/files/<artifact>`` checks the session: the student themself or the staff of the
course the work belongs to (:func:`competencies.work.submissions.viewable_file`). A signed URL,
``/files/s/<token>``, needs no login: the token (signed under its own purpose by
:mod:`lti_tool.signing`) names one file and one variant (the file or its thumbnail) and expires;
the LMS fetches files named in a submission by such URLs, and pages show thumbnails with them
(an ``<img>`` cannot send the session header). A tampered token gets a 403, an expired one a 410.

Every answer streams from the artifact store and says what the file may not do: a ``sandbox``
CSP with ``default-src 'none'`` (no script, no plugin, no same-origin access even if a browser
rendered it), ``nosniff``, and ``Content-Disposition: attachment``, except that raster images a
page asks to show inline are shown (JPEG, PNG, GIF, WebP: the only images Worklink keeps, and
every one was re-encoded from its pixels). SVG and HTML are never accepted, so never served.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import quote

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext

from competencies.work import submissions
from competencies.work.model import Artifact
from lti_tool.db import db_session
from lti_tool.security import current_principal
from lti_tool.signing import Purpose, signer
from lti_tool.storage import artifact_store

bp = Blueprint("files", __name__, url_prefix="/files")

INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
FILE_CSP = "sandbox; default-src 'none'"
CHUNK = 256 * 1024
PAGE_LINK_SECONDS = 3600
"""A signed URL drawn into a page (a thumbnail, a download link) works for an hour."""
LMS_LINK_SECONDS = 7 * 24 * 3600
"""A signed URL handed to the LMS works for a week: long enough for it to fetch the file."""


def signed_url(artifact_id: int, *, thumbnail: bool = False, max_age: int = PAGE_LINK_SECONDS,
               external: bool = False) -> str:
    """A URL for one file (or its thumbnail) that needs no login, until ``max_age`` runs out."""
    token = signer().dumps(Purpose.FILE_DOWNLOAD, [artifact_id, "t" if thumbnail else "f"],
                           max_age=max_age)
    return url_for("files.signed", token=token, _external=external)


@bp.get("/<int:artifact_id>")
def by_session(artifact_id: int) -> Response:
    principal = current_principal()
    if principal is None:
        abort(401)
    viewer = submissions.Viewer(principal.user_id, principal.course_id, principal.is_staff)
    try:
        artifact = submissions.viewable_file(db_session(), artifact_id, viewer)
    except submissions.SubmissionNotFound:
        abort(404)
    response = _serve(artifact, thumbnail=request.args.get("variant") == "thumbnail")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/s/<token>")
def signed(token: str) -> Response | tuple[str, int]:
    value = signer().loads(Purpose.FILE_DOWNLOAD, token)
    if value is None:
        # Signed by us but past its time (it verifies at the epoch), or not ours at all.
        expired = signer().loads(Purpose.FILE_DOWNLOAD, token, now=0) is not None
        return _refused(410 if expired else 403)
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        return _refused(403)
    artifact = db_session().get(Artifact, value[0])
    if artifact is None or artifact.file_key is None:
        abort(404)
    response = _serve(artifact, thumbnail=value[1] == "t")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _refused(status: int) -> tuple[str, int]:
    if status == 410:
        title = gettext("This file link has expired")
        what = gettext("File links stop working after a while, so that a copied link does "
                       "not keep a student's work open to anyone who has it.")
    else:
        title = gettext("This file link is not valid")
        what = gettext("The link was changed or cut short: it does not lead to any file.")
    return render_template("error.html", status=status, title=title, message=what,
                           # Read by students, teachers and employers alike (an employer's page
                           # links files too): advice that needs no course.
                           hint=gettext("Go back to the page the file was opened from and open "
                                        "it again: that gives a new link.")), status


def _serve(artifact: Artifact, *, thumbnail: bool) -> Response:
    key = artifact.thumbnail_key if thumbnail else artifact.file_key
    if key is None:
        abort(404)
    try:
        stream = artifact_store().open(key)
    except KeyError:
        abort(404)
    media_type = "image/jpeg" if thumbnail else (artifact.media_type or "application/octet-stream")
    inline = thumbnail or (media_type in INLINE_TYPES and request.args.get("view") == "1")
    response = Response(_chunks(stream), mimetype=media_type, direct_passthrough=True)
    if not thumbnail and artifact.size is not None:
        response.content_length = artifact.size
    response.headers["Content-Disposition"] = _disposition(
        "inline" if inline else "attachment", artifact.filename or "file")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    return response


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    try:
        while block := stream.read(CHUNK):
            yield block
    finally:
        stream.close()


def _disposition(kind: str, filename: str) -> str:
    """RFC 6266: a plain ASCII name for old clients and the exact name (RFC 5987) for the rest."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
