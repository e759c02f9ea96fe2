"""The job engine: work that waits on another system (rosters today; grades and mail next)
runs here, not in a request.

huey (a maintained task queue) keeps the queue in SQLite in the instance folder, or in Redis when
``WORKLINK_REDIS_URL`` is set, so several ``worklink worker`` processes on several machines share
one queue. ``engine`` builds the queue and its consumer from the configuration; each task lives
in a module named for what it does.
"""

from __future__ import annotations

import atexit

from flask import Flask, current_app

from lti_tool.config import JobsMode
from lti_tool.jobs.context import JobContext
from lti_tool.jobs.engine import Jobs, build, start_in_process


def init_app(app: Flask) -> None:
    from lti_tool.db import database
    from lti_tool.lti.services import lti_services

    config = app.extensions["worklink.config"]
    jobs = build(JobContext(config, database(app), lti_services(app)))
    app.extensions["worklink.jobs"] = jobs
    if config.jobs is JobsMode.THREADS:
        consumer = start_in_process(jobs)
        app.extensions["worklink.jobs_consumer"] = consumer
        atexit.register(consumer.stop, graceful=True)


def jobs(app: Flask | None = None) -> Jobs:
    return (app or current_app).extensions["worklink.jobs"]  # type: ignore[no-any-return]
