"""Abandoned uploads leave: their partial bytes and their rows (part of the minutely purge).

An upload untouched until its ``expires_at`` (``WORKLINK_UPLOAD_EXPIRY_HOURS`` after its last
PATCH) is over: a student who comes back later starts that file again. A completed upload's row
goes at the same time; its file belongs to the work and stays.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from competencies.orm import utcnow
from lti_tool.jobs.context import JobContext
from lti_tool.models import Upload
from lti_tool.uploads import parts


def purge_abandoned_uploads(context: JobContext, now: dt.datetime | None = None) -> int:
    """Returns how many uploads were removed."""
    now = now or utcnow()
    with context.database.begin() as connection:
        ids = list(connection.scalars(select(Upload.id).where(Upload.expires_at <= now)))
        for upload_id in ids:
            parts.part_path(context.config.instance_dir, upload_id).unlink(missing_ok=True)
        if ids:
            connection.execute(delete(Upload).where(Upload.id.in_(ids)))
    return len(ids)
