"""Scores waiting in the grade outbox go to the LMS gradebooks (a periodic task, every minute).

Each run keeps taking batches while there are scores due, for up to :data:`DRAIN_SECONDS`: a
single batch a minute would take ten minutes over a thousand grades whatever the LMS allows.
The outbox claims rows itself (lti_tool/grades/outbox.py), so several consumers on several
machines can run this at once (a run outlasting the minute included) without sending a score
twice or out of order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from huey import Huey, crontab

from lti_tool.grades.delivery import Deliverer, build_deliverer
from lti_tool.jobs.context import JobContext

log = logging.getLogger(__name__)


DRAIN_SECONDS = 50.0
"""How long one run goes on taking batches: under the minute between runs."""


def deliver_grades(deliverer: Deliverer, *, limit: int = 100, parallelism: int = 4,
                   budget: float = DRAIN_SECONDS,
                   clock: Callable[[], float] = time.monotonic) -> dict[str, int]:
    """Deliver batches until none is due (a batch claims nothing) or the budget is spent."""
    deadline = clock() + budget
    counts = deliverer.deliver_due_scores(limit=limit, parallelism=parallelism,
                                          another=lambda: clock() < deadline).counts
    for state, count in counts.items():
        log.info("grades %s: %d", state, count)
    return dict(counts)


def register(huey: Huey, context: JobContext) -> Any:
    deliverer: list[Deliverer] = []  # built on first use: a web process may never need it

    @huey.periodic_task(crontab(minute="*"), name="deliver_grades")
    def deliver_task() -> dict[str, int]:
        if not deliverer:
            deliverer.append(build_deliverer(context.database, context.config))
        return deliver_grades(deliverer[0])

    return deliver_task
