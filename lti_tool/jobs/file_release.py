"""Released files leave the store: bytes of files students took out of a draft (part of the
minutely purge).

The work domain records a :class:`~competencies.work.model.ReleasedFile` in the transaction
that deletes a draft-only file artifact, so nothing is deleted from the store unless that
removal committed; a file handed in with any version is never released. Each key is deleted
from the store before its row, so a purge cut short leaves the row to try again (deleting a key
that is already gone does nothing).

On a bucket that keeps versions the store deletes every version of the key
(:meth:`lti_tool.storage.s3.S3Store.delete`). If the bucket refuses that, the delete raises
:class:`~lti_tool.storage.s3.DeleteRefused` naming the permission to grant: the run fails with
it in the worker's log, and the rows stay for the next run, as no file is counted as gone while
a copy may remain.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from competencies.work.model import ReleasedFile
from lti_tool.jobs.context import JobContext
from lti_tool.storage import build

BATCH = 500


def purge_released_files(context: JobContext) -> int:
    """Returns how many stored files (and thumbnails) were deleted."""
    with context.database.begin() as connection:
        released = connection.execute(select(ReleasedFile.id, ReleasedFile.key)
                                      .order_by(ReleasedFile.id).limit(BATCH)).all()
    if not released:
        return 0
    store = build(context.config)
    for _id, key in released:
        store.delete(key)
    with context.database.begin() as connection:
        connection.execute(delete(ReleasedFile).where(
            ReleasedFile.id.in_([row_id for row_id, _key in released])))
    return len(released)
