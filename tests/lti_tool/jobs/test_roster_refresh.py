"""Roster refreshes run in the job engine: a real huey consumer on SQLite storage (and on Redis
when WORKLINK_TEST_REDIS_URL is set) fetches from a fake LMS while the page never waits on it."""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR
from sqlalchemy.orm import Session

from lti_tool.app import create_app
from lti_tool.config import Config, JobsMode
from lti_tool.db import make_engine
from lti_tool.jobs import jobs
from lti_tool.jobs.engine import start_in_process
from tests.lti_tool.lti.nrps_platform import NrpsPlatform, people
from tests.lti_tool.teacher.test_roster_view import Classroom


@pytest.fixture
def lms() -> Iterator[NrpsPlatform]:
    server = NrpsPlatform(people(40), page_size=10)
    yield server
    server.close()


def _finished(app: Flask) -> threading.Event:
    """Set when the queue's consumer finishes (or fails) a roster refresh (the periodic tasks
    of the same consumer may finish first)."""
    done = threading.Event()

    @jobs(app).huey.signal(SIGNAL_COMPLETE, SIGNAL_ERROR)
    def _(signal: str, task: Any, exc: Any = None) -> None:
        if task.name == "refresh_roster":
            done.set()

    return done


def _live_classroom(config: Config, lms: NrpsPlatform) -> Iterator[Classroom]:
    engine = make_engine(config.database_url)
    with Session(engine, expire_on_commit=False) as session:
        # The course is in place before the app (and a consumer of its own, whose periodic
        # tasks write to the same SQLite file) starts.
        classroom = Classroom(None, session, lms, None)  # type: ignore[arg-type]
        app = classroom.app = create_app(config)
        classroom.client = app.test_client()
        yield classroom
    consumer = app.extensions.get("worklink.jobs_consumer")
    if consumer is not None:
        consumer.stop(graceful=True)
    engine.dispose()
    app.extensions["worklink.db"].engine.dispose()


@pytest.fixture
def on_sqlite_queue(config: Config, fresh_database_url: str, tmp_path: Path,
                    lms: NrpsPlatform) -> Iterator[Classroom]:
    """Production's shape: the web app only queues; the consumer is started by the test."""
    yield from _live_classroom(dataclasses.replace(
        config, database_url=fresh_database_url, jobs=JobsMode.WORKER,
        instance_dir=tmp_path / "instance"), lms)


def test_the_first_visit_waits_and_a_consumer_on_sqlite_fills_it(
        on_sqlite_queue: Classroom) -> None:
    classroom = on_sqlite_queue
    first = classroom.view().get_data(as_text=True)
    assert 'id="roster-waiting"' in first and 'http-equiv="refresh"' in first
    assert classroom.lms.pages_served == 0  # the request did not wait on the platform
    huey = jobs(classroom.app).huey
    assert huey.pending_count() == 1
    assert (classroom.app.extensions["worklink.config"].instance_dir / "jobs.db").exists()
    classroom.view()  # a second tab: the refresh is not queued twice
    assert huey.pending_count() == 1

    done = _finished(classroom.app)
    consumer = start_in_process(jobs(classroom.app))
    try:
        assert done.wait(30), "the consumer did not run the refresh"
    finally:
        consumer.stop(graceful=True)
    page = " ".join(classroom.view().get_data(as_text=True).split())
    assert "42 people listed by the course platform" in page
    assert 'id="roster-fetched"' in page and "Fetched from the course platform on" in page
    assert 'http-equiv="refresh"' not in page
    assert classroom.lms.pages_served == 5


REDIS_URL = os.environ.get("WORKLINK_TEST_REDIS_URL")


@pytest.fixture
def on_redis_with_threads(config: Config, fresh_database_url: str, tmp_path: Path,
                          lms: NrpsPlatform) -> Iterator[Classroom]:
    """The demo's shape on Redis: the consumer runs in the app's own threads."""
    if not REDIS_URL:
        pytest.skip("WORKLINK_TEST_REDIS_URL is not set (scripts/test sets it where Redis runs)")
    import redis
    client = redis.Redis.from_url(REDIS_URL)

    def clean() -> None:  # what this test writes or reads (the database is shared; tokens are refetched)
        for key in [*client.scan_iter("huey.*worklink*"), *client.scan_iter("worklink:roster*"),
                    *client.scan_iter("worklink:token:*")]:
            client.delete(key)

    clean()
    yield from _live_classroom(dataclasses.replace(
        config, database_url=fresh_database_url, jobs=JobsMode.THREADS, redis_url=REDIS_URL,
        instance_dir=tmp_path / "instance"), lms)
    clean()
    client.close()


def test_a_consumer_in_the_app_threads_on_redis_refreshes_the_roster(
        on_redis_with_threads: Classroom) -> None:
    classroom = on_redis_with_threads
    done = _finished(classroom.app)
    classroom.view()
    assert done.wait(30), "the in-process consumer did not run the refresh"
    page = " ".join(classroom.view().get_data(as_text=True).split())
    assert "42 people listed by the course platform" in page and "Fetched from" in page
    assert not (classroom.app.extensions["worklink.config"].instance_dir / "jobs.db").exists()


def test_worklink_worker_consumes_what_the_web_app_queued(on_sqlite_queue: Classroom) -> None:
    """The production shape end to end: `worklink worker` in a process of its own picks the
    refresh from the queue the web app wrote, and stops cleanly on SIGTERM."""
    import signal
    import subprocess
    import sys
    import time

    classroom = on_sqlite_queue
    config = classroom.app.extensions["worklink.config"]
    assert 'id="roster-waiting"' in classroom.view().get_data(as_text=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKLINK_")}
    env.update(WORKLINK_DATABASE_URL=config.database_url,
               WORKLINK_INSTANCE_DIR=str(config.instance_dir),
               WORKLINK_SECRET_KEY=config.secret_key, WORKLINK_BASE_URL=config.base_url)
    worker = subprocess.Popen(
        [sys.executable, "-c", "from lti_tool.cli import main; main()", "worker", "--threads", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        page = ""
        while time.monotonic() < deadline and worker.poll() is None:
            page = " ".join(classroom.view().get_data(as_text=True).split())
            if "people listed" in page:
                break
            threading.Event().wait(0.2)
        assert "42 people listed by the course platform" in page
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "refresh_roster" in output  # the consumer's own log names the task it ran
