"""Refresh one course's roster from the platform's Names and Roles service, off the request path.

The platform may take many slow pages to list a large course; a web worker waiting for that
would starve launches. The teacher's page shows what was fetched last (and when) and queues
this; a failure is kept for the page to show, and the previous roster stays.
"""

from __future__ import annotations

import logging
from typing import Any

from huey import Huey
from sqlalchemy.orm import Session

from lti_tool.jobs.context import JobContext
from lti_tool.lti.roster import (
    RosterUnavailable,
    course_service,
    fetch_class_roster,
    keep_problem,
    keep_roster,
    service_connector,
)
from lti_tool.lti.store import EphemeralStore

log = logging.getLogger(__name__)

QUEUED_SECONDS = 120
"""A refresh queued less than this ago is not queued again (several teachers, several tabs)."""


def queued_key(course_id: int) -> str:
    return f"roster-queued:{course_id}"


def claim_refresh(store: EphemeralStore, course_id: int) -> bool:
    """Whether the caller should queue a refresh: no other one is waiting or running."""
    return store.add_once(queued_key(course_id), QUEUED_SECONDS)


def refresh_roster(context: JobContext, course_id: int) -> int:
    """Fetch and keep the course's roster; returns how many members it has (-1: it failed)."""
    store = context.services.store
    timeout = context.config.http_timeout_seconds
    try:
        # Short database work first; the slow part (the platform) holds no transaction open.
        with context.database.begin() as conn:
            service = course_service(conn, course_id)
            if service is None:
                return -1
            with Session(bind=conn) as session:
                connector = service_connector(session, store, context.services.outbound,
                                              service, timeout=timeout)
        members = fetch_class_roster(connector, service, timeout=timeout)
    except RosterUnavailable as exc:
        log.warning("roster of course %s unavailable: %s", course_id, exc.message)
        keep_problem(store, course_id, exc.message)
        return -1
    finally:
        store.take(queued_key(course_id))
    keep_roster(store, course_id, members)
    return len(members)


def register(huey: Huey, context: JobContext) -> Any:
    @huey.task(name="refresh_roster")
    def refresh_task(course_id: int) -> int:
        return refresh_roster(context, course_id)

    return refresh_task
