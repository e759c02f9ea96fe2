"""Resumable uploads by the tus 1.0 protocol (https://tus.io/protocols/resumable-upload).

No maintained tus server exists for Flask (the Python servers are for other frameworks or
unmaintained), so this is our own, tested against the maintained clients: tus-js-client in the
page (vendored in ``static/vendor``) and the ``tuspy`` Python client. It speaks the core
protocol (HEAD to learn the offset, PATCH to append) and the creation, termination, expiration
and checksum extensions.

Who may upload: every request except OPTIONS must carry the student's session in the
``X-Worklink-Session`` header, and a session cookie alone is refused. That header is also the
protection against cross-site requests, in place of a form token: a page on another site can
make a browser send a cookie, but a custom header only after a CORS preflight, and Worklink
answers no preflight (it sends no ``Access-Control-Allow-*`` headers). So a request bearing the
header came from a Worklink page's own script. Upload URLs name a random upload id and carry no
credential; an upload is found only for the student who created it (anyone else gets a 404).

The answers' bodies are one sentence of plain text in the student's language: the page shows
it as the reason an upload was refused.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from email.utils import format_datetime
from pathlib import Path
from typing import Literal

from flask import Blueprint, Response, request, url_for
from flask_babel import gettext
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from competencies.work.file_policy import FilePolicy, Refusal
from lti_tool import csrf
from lti_tool.config import app_config
from lti_tool.db import SQLITE_BEGIN, database, db_session, db_work
from lti_tool.models import Upload
from lti_tool.security import SESSION_HEADER, Principal, Role, current_principal
from lti_tool.storage import artifact_store
from lti_tool.uploads import parts
from lti_tool.uploads.completion import complete
from lti_tool.uploads.destination import destination
from lti_tool.uploads.policy import upload_policy
from lti_tool.uploads.safe_files import clean_filename
from lti_tool.uploads.work_destination import WORK_REFUSED

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,expiration,checksum"
CHECKSUMS: dict[str, Callable[[], hashlib._Hash]] = {
    "sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
OFFSET_TYPE = "application/offset+octet-stream"

bp = csrf.exempt_blueprint(Blueprint("uploads", __name__, url_prefix="/uploads"))


def _answer(status: int, message: str = "", **headers: str) -> Response:
    response = Response(message, status=status, mimetype="text/plain")
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return response


def say(refusal: Refusal, policy: FilePolicy | None = None) -> str:
    """A refusal in the student's language."""
    values: dict[str, object] = dict(refusal.values)
    if refusal.code == WORK_REFUSED:
        # The work domain's values are marked words ("files or photos"), never a student's.
        values = {k: gettext(v) if isinstance(v, str) else v for k, v in values.items()}
    if policy is not None:
        values["allowed"] = ", ".join(gettext(label) for label in policy.allowed_labels())
    values.setdefault("allowed", "")
    return str(gettext(refusal.message) % values)


@bp.before_request
def _speak_tus_with_a_session() -> Response | None:
    if request.method == "OPTIONS":
        return None
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _answer(412, gettext("This upload needs a newer page: reload it and try again."),
                       Tus_Version=TUS_VERSION)
    principal = current_principal() if request.headers.get(SESSION_HEADER) else None
    if principal is None:
        return _answer(401, gettext("Your session has ended. Open Worklink again from your "
                                    "course, then send the file again."))
    if principal.role is not Role.STUDENT:
        return _answer(403, gettext("Only students upload work here."))
    return None


@bp.after_request
def _tus_headers(response: Response) -> Response:
    response.headers["Tus-Resumable"] = TUS_VERSION
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("", methods=["OPTIONS"])
@bp.route("/<upload_id>", methods=["OPTIONS"])
def options(upload_id: str | None = None) -> Response:
    return _answer(204, Tus_Version=TUS_VERSION, Tus_Extension=EXTENSIONS,
                   Tus_Max_Size=str(app_config().upload_max_bytes),
                   Tus_Checksum_Algorithm=",".join(CHECKSUMS))


def _principal() -> Principal:
    principal = current_principal()
    assert principal is not None  # the before_request hook refused anyone else
    return principal


@bp.post("")
def create() -> Response:
    principal = _principal()
    config = app_config()
    if "Upload-Defer-Length" in request.headers:
        return _answer(400, gettext("The file's size must be known before it is sent."))
    length = _whole(request.headers.get("Upload-Length"))
    if length is None:
        return _answer(400, gettext("The file's size is missing."))
    metadata = _metadata(request.headers.get("Upload-Metadata", ""))
    if metadata is None:
        return _answer(400, gettext("The upload's description could not be read."))
    filename = clean_filename(metadata.get("filename", ""))
    target = destination()
    if principal.user_id is None or principal.course_id is None:
        return _answer(404, gettext("This work was not found."))
    session = _writing()
    submission_id = _whole(metadata.get("submission"))
    placed_id = _whole(metadata.get("placed"))
    if submission_id is None and placed_id is not None:
        # The student's first change to this task: their submission starts with the file.
        submission_id = target.open_for(session, principal.user_id, principal.course_id,
                                        placed_id)
    if submission_id is None:
        return _answer(404, gettext("This work was not found."))
    policy = target.policy(session, principal.user_id, principal.course_id, submission_id)
    if policy is None:
        return _answer(404, gettext("This work was not found."))
    if isinstance(policy, Refusal):
        return _answer(403, say(policy))
    policy = upload_policy(policy)
    held = target.files_held(session, submission_id) + _in_progress(session, submission_id)
    refusal = policy.check_declared(filename, metadata.get("filetype", ""), length, held)
    if refusal is not None:
        return _answer(413 if refusal.code == "too_large" else 422, say(refusal, policy))
    now = utcnow()
    upload = Upload(id=secrets.token_urlsafe(24), user_id=principal.user_id,
                    course_id=principal.course_id, submission_id=submission_id,
                    filename=filename, declared_type=metadata.get("filetype", "")[:200],
                    length=length, received=0, created_at=now,
                    expires_at=now + dt.timedelta(hours=config.upload_expiry_hours))
    parts.create(parts.part_path(config.instance_dir, upload.id))
    session.add(upload)
    session.commit()
    return _answer(201, Location=url_for("uploads.upload", upload_id=upload.id),
                   Upload_Expires=_http_date(upload.expires_at))


@bp.route("/<upload_id>", methods=["HEAD"])
def upload(upload_id: str) -> Response:
    found = _find(upload_id)
    if isinstance(found, Response):
        return found
    offset = found.length if found.completed_at else _offset(found)
    return _answer(200, Upload_Offset=str(offset), Upload_Length=str(found.length),
                   Upload_Expires=_http_date(found.expires_at))


@bp.patch("/<upload_id>")
def append(upload_id: str) -> Response:
    if request.mimetype != OFFSET_TYPE:
        return _answer(415, gettext("The upload was sent in a form Worklink does not read."))
    found = _find(upload_id)
    if isinstance(found, Response):
        return found
    claimed = _whole(request.headers.get("Upload-Offset"))
    if claimed is None:
        return _answer(400, gettext("The upload's position is missing."))
    checksum = _checksum(request.headers.get("Upload-Checksum"))
    if checksum is False:
        return _answer(400, gettext("The upload's checksum could not be read."))
    config = app_config()
    path = parts.part_path(config.instance_dir, found.id)
    if found.completed_at is not None:
        if claimed == found.length:
            return _answer(204, Upload_Offset=str(found.length))
        return _answer(409, gettext("This upload is already complete."),
                       Upload_Offset=str(found.length))
    # The stream may run for minutes on a slow phone: no transaction stays open meanwhile.
    db_session().commit()
    db_work().commit()
    try:
        with parts.locked(path) as handle:
            start = handle.tell()
            if claimed != start:
                return _answer(409, gettext("The upload's position does not match what "
                                            "Worklink received; it resumes from there."),
                               Upload_Offset=str(start))
            remaining = found.length - start
            request.max_content_length = remaining  # more than the file's rest is refused
            digest = checksum[1]() if checksum else None
            written, ended = parts.append(handle, request.stream, remaining, digest)
            if checksum and digest is not None and (
                    not ended or digest.digest() != checksum[2]):
                parts.truncate(handle, start)  # the chunk is dropped whole, per the extension
                return _answer(460, gettext("The file changed on the way. It will be sent "
                                            "again."), Upload_Offset=str(start))
            received = start + written
    except parts.Busy:
        return _answer(423, gettext("This file is still being sent; try again in a moment."))
    except FileNotFoundError:
        return _answer(404, gettext("This upload was not found; send the file again."))
    session = _writing()
    now = utcnow()
    found.received = received
    found.expires_at = now + dt.timedelta(hours=config.upload_expiry_hours)
    headers = {"Upload_Offset": str(received), "Upload_Expires": _http_date(found.expires_at)}
    if received < found.length:
        session.commit()
        return _answer(204, **headers)
    return _finish(session, found, path, now, headers)


def _finish(session: Session, found: Upload, path: Path, now: dt.datetime,
            headers: dict[str, str]) -> Response:
    target = destination()
    policy = target.policy(session, found.user_id, found.course_id, found.submission_id)
    if not isinstance(policy, FilePolicy):
        path.unlink(missing_ok=True)
        found.completed_at, found.refused = now, "work_unavailable"
        session.commit()
        message = say(policy) if isinstance(policy, Refusal) else gettext(
            "This work was not found.")
        return _answer(409, message)
    policy = upload_policy(policy)
    outcome = complete(session, found, path, policy, artifact_store(), target, now)
    session.commit()
    if outcome.refusal is not None:
        return _answer(422, say(outcome.refusal, policy))
    return _answer(204, **headers)


@bp.delete("/<upload_id>")
def terminate(upload_id: str) -> Response:
    found = _find(upload_id)
    if isinstance(found, Response):
        return found
    # A completed upload's file belongs to the work now; only the upload's record goes.
    parts.part_path(app_config().instance_dir, found.id).unlink(missing_ok=True)
    session = db_session()
    session.delete(found)
    session.commit()
    return _answer(204)


def _writing() -> Session:
    """The request's session in a transaction that takes SQLite's write lock at once.

    A creation reads (the submission, the count) and then writes, as a completion does; two
    uploads of one student arrive together, and a deferred SQLite transaction that read before
    another committed cannot write afterwards ("database is locked"). Taking the lock first
    makes the second wait its turn instead. Other databases ignore the option.
    """
    session = db_session()
    db = database()
    # Bound to one connection (the test suite), the session works in savepoints of the test's
    # own transaction, which already holds whatever lock it needs.
    if db.is_sqlite and isinstance(db.bind, Engine) and not session.in_transaction():
        session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})
    return session


def _find(upload_id: str) -> Upload | Response:
    """The caller's own live upload, or the answer to give instead (never telling whether an
    upload of someone else's exists)."""
    principal = _principal()
    found = db_session().get(Upload, upload_id[:64])
    if found is None or found.user_id != principal.user_id:
        return _answer(404, gettext("This upload was not found; send the file again."))
    if found.refused or (found.completed_at is None and found.expires_at <= utcnow()):
        return _answer(410, gettext("This upload has ended; send the file again."))
    return found


def _offset(upload: Upload) -> int:
    try:
        return parts.offset(parts.part_path(app_config().instance_dir, upload.id))
    except FileNotFoundError:
        return 0


def _in_progress(session: Session, submission_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Upload).where(
        Upload.submission_id == submission_id, Upload.completed_at.is_(None),
        Upload.expires_at > utcnow())) or 0


def _whole(value: str | None) -> int | None:
    if value is None or not value.isdigit() or len(value) > 15:
        return None
    return int(value)


def _metadata(header: str) -> dict[str, str] | None:
    """``Upload-Metadata``: comma-separated ``key base64(value)`` pairs."""
    found: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, encoded = pair.partition(" ")
        try:
            found[key] = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
    return found


def _checksum(header: str | None
              ) -> tuple[str, Callable[[], hashlib._Hash], bytes] | None | Literal[False]:
    """``Upload-Checksum: <algorithm> <base64 digest>``; ``False`` when unreadable."""
    if not header:
        return None
    name, _, encoded = header.partition(" ")
    if name not in CHECKSUMS:
        return False
    try:
        return name, CHECKSUMS[name], base64.b64decode(encoded, validate=True)
    except binascii.Error:
        return False


def _http_date(moment: dt.datetime) -> str:
    return format_datetime(moment.astimezone(dt.UTC), usegmt=True)
