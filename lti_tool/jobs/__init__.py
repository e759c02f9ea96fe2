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


def start(app: Flask) -> None:
    """Start the in-process consumer (``WORKLINK_JOBS=threads``), once the app is complete.

    Called last by ``create_app``: its threads query at once (the periodic purge), and must
    find every model imported and configured (:func:`lti_tool.models.configure_all`).
    """
    from lti_tool.models import configure_all

    if app.extensions["worklink.config"].jobs is JobsMode.THREADS:
        configure_all()
        consumer = start_in_process(app.extensions["worklink.jobs"])
        app.extensions["worklink.jobs_consumer"] = consumer
        atexit.register(consumer.stop, graceful=True)


def jobs(app: Flask | None = None) -> Jobs:
    return (app or current_app).extensions["worklink.jobs"]  # type: ignore[no-any-return]
