"""The last byte is in: decide what the file is, make it safe, keep it, record it on the work."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path

from sqlalchemy.orm import Session

from competencies.ports import ArtifactStore
from competencies.work.file_policy import FilePolicy, Refusal
from competencies.work.model import ReleasedFile
from competencies.work.stored_file import StoredFile
from lti_tool.models import Upload
from lti_tool.storage.keys import new_key
from lti_tool.uploads.destination import Destination
from lti_tool.uploads.safe_files import SafeFile, make_safe

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Outcome:
    stored: StoredFile | None
    refusal: Refusal | None


def complete(session: Session, upload: Upload, part: Path, policy: FilePolicy,
             store: ArtifactStore, target: Destination, now: dt.datetime) -> Outcome:
    """Check and keep the upload's bytes (the caller commits). On a refusal nothing is kept:
    the part file and anything made from it are deleted, the row records why."""
    result = make_safe(part, upload.filename, upload.declared_type, policy, part.parent)
    if isinstance(result, Refusal):
        part.unlink(missing_ok=True)
        return _refused(upload, result, now)
    stored = _keep(result, store)
    if result.path != part:
        part.unlink(missing_ok=True)
    refusal = target.attach(session, upload.submission_id, stored, now)
    if refusal is not None:
        # The work changed while the file travelled (the task was closed): keep nothing.
        _discard(session, store, [stored.key, stored.thumbnail_key])
        return _refused(upload, refusal, now)
    upload.completed_at = now
    upload.file_key = stored.key
    upload.media_type = stored.media_type
    return Outcome(stored, None)


def _discard(session: Session, store: ArtifactStore, keys: list[str | None]) -> None:
    """Delete bytes no artifact will ever name, now; what the store will not delete now (a
    bucket refusing a permission, a network fault) is released to the minutely purge, which
    retries until it goes, so the student is still told why their file was refused and the
    bytes still leave. Any error: whatever the store's fault, the answer and the file's end
    must not depend on it."""
    for key in filter(None, keys):
        try:
            store.delete(key)
        except Exception:
            logger.warning("a refused upload's file was left to the purge", exc_info=True)
            session.add(ReleasedFile(key=key))


def _keep(safe: SafeFile, store: ArtifactStore) -> StoredFile:
    key = new_key("artifacts")
    store.put_file(key, safe.path)
    thumbnail_key = None
    if safe.thumbnail is not None:
        thumbnail_key = new_key("thumbnails", ".jpg")
        store.put_file(thumbnail_key, safe.thumbnail)
    return StoredFile(key=key, sha256=safe.sha256, size=safe.size, media_type=safe.media_type,
                      filename=safe.filename, thumbnail_key=thumbnail_key)


def _refused(upload: Upload, refusal: Refusal, now: dt.datetime) -> Outcome:
    upload.completed_at = now
    upload.refused = refusal.code
    return Outcome(None, refusal)
