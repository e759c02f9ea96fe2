"""Expired launch state leaves the database store (a periodic task, every minute).

OIDC states nobody completed, used nonces, cached keys and tokens past their time: the database
backend keeps rows until something deletes them (Redis expires its keys itself). Browser sessions
that can never be live again (ended, idle, past their end) go too; they are always in the database.
So do abandoned uploads and their partial bytes (:mod:`lti_tool.jobs.upload_purge`), and the
stored bytes of files students took out of a draft (:mod:`lti_tool.jobs.file_release`).
"""

from __future__ import annotations

import logging
from typing import Any

from huey import Huey, crontab

from lti_tool import sessions
from lti_tool.jobs.context import JobContext
from lti_tool.jobs.file_release import purge_released_files
from lti_tool.jobs.upload_purge import purge_abandoned_uploads
from lti_tool.lti.store import DatabaseStore

log = logging.getLogger(__name__)


def purge_expired(context: JobContext) -> int:
    """Returns how many values, sessions and uploads were removed."""
    with context.database.begin() as connection:
        removed = sessions.purge(connection, idle=context.config.session_idle_seconds)
    removed += purge_abandoned_uploads(context)
    store = context.services.store
    if isinstance(store, DatabaseStore):
        removed += store.purge_expired()
    # Last: a bucket that refuses a delete (a permission missing, see file_release) fails the
    # run, and the database's own expiry must not wait for the operator to fix it.
    removed += purge_released_files(context)
    if removed:
        log.info("expired launch values removed: %d", removed)
    return removed


def register(huey: Huey, context: JobContext) -> Any:
    @huey.periodic_task(crontab(minute="*"), name="purge_expired")
    def purge_task() -> int:
        return purge_expired(context)

    return purge_task
