"""Scores waiting in the grade outbox go to the LMS gradebooks (a periodic task, every minute).

The outbox claims rows itself (lti_tool/grades/outbox.py), so several consumers on several
machines can run this at once without sending a score twice or out of order.
"""

from __future__ import annotations

import logging
from typing import Any

from huey import Huey, crontab

from lti_tool.grades.delivery import Deliverer, build_deliverer
from lti_tool.jobs.context import JobContext

log = logging.getLogger(__name__)


def deliver_grades(deliverer: Deliverer) -> dict[str, int]:
    counts = dict(deliverer.deliver_due_scores().counts)
    for state, count in counts.items():
        log.info("grades %s: %d", state, count)
    return counts


def register(huey: Huey, context: JobContext) -> Any:
    deliverer: list[Deliverer] = []  # built on first use: a web process may never need it

    @huey.periodic_task(crontab(minute="*"), name="deliver_grades")
    def deliver_task() -> dict[str, int]:
        if not deliverer:
            deliverer.append(build_deliverer(context.database, context.config))
        return deliver_grades(deliverer[0])

    return deliver_task
