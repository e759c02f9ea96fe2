"""The huey instance and its consumer, as the configuration says.

- ``WORKLINK_JOBS=threads`` (dev, the demo): queue in ``<instance>/jobs.db`` (or Redis), and a
  consumer in this process's own threads;
- ``worker`` (production): the same queue, consumed by ``worklink worker``;
- ``immediate`` (tests): a task runs in the caller's thread when queued.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

from lti_tool.config import Config, JobsMode
from lti_tool.jobs.context import JobContext

QUEUE_NAME = "worklink"


@dataclasses.dataclass
class Jobs:
    huey: Huey
    context: JobContext
    refresh_roster: Any
    """``refresh_roster(course_id)`` queues a roster refresh (see jobs/roster_refresh.py)."""
    purge_expired: Any
    """Periodic: removes expired launch state from the database store (jobs/purge.py)."""
    deliver_grades: Any
    """Periodic: sends the scores waiting in the grade outbox (jobs/grade_delivery.py)."""
    send_mail: Any
    """Periodic: sends the queued mail, employer links (jobs/mail_delivery.py)."""


def make_huey(config: Config) -> Huey:
    if config.jobs is JobsMode.IMMEDIATE:
        return MemoryHuey(QUEUE_NAME, immediate=True, results=False)
    if config.redis_url:
        # Its own keys (huey.*) beside the ephemeral store's worklink:* ones.
        return RedisHuey(QUEUE_NAME, url=config.redis_url, results=False)
    config.instance_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(config.instance_dir / "jobs.db"), results=False)


def build(context: JobContext, huey: Huey | None = None) -> Jobs:
    """The queue with every task registered on it (the worker builds the very same)."""
    from lti_tool.jobs import grade_delivery, mail_delivery, purge, roster_refresh

    huey = huey or make_huey(context.config)
    return Jobs(huey, context, roster_refresh.register(huey, context),
                purge.register(huey, context), grade_delivery.register(huey, context),
                mail_delivery.register(huey, context))


class InProcessConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer without its signal handlers: the host process (Flask's server, pytest)
    owns SIGINT and SIGTERM."""

    def _set_signal_handlers(self) -> None:
        pass


def start_in_process(jobs: Jobs, workers: int = 2) -> Consumer:
    """Consumer threads in this process; returns the consumer (``stop(graceful=True)`` ends it)."""
    consumer = InProcessConsumer(jobs.huey, workers=workers, worker_type="thread",
                                 periodic=True, initial_delay=0.05, max_delay=1.0)
    consumer.start()
    return consumer
